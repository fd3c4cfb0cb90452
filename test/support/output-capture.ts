import { format } from 'node:util';
import { CapturingLogger } from './capturing-logger.js';

/**
 * Captures everything an app could print while a test runs: its Nest logger (pass `logger` to
 * `startApp`), `console.*`, and raw writes to stdout/stderr (libraries that bypass both).
 */
export class OutputCapture {
  readonly logger = new CapturingLogger();
  private readonly written: string[] = [];
  private readonly restorers: (() => void)[] = [];

  start(): this {
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      const original = console[method];
      console[method] = (...args: unknown[]) => {
        this.written.push(`console.${method} ${format(...args)}`);
      };
      this.restorers.push(() => (console[method] = original));
    }
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write;
      stream.write = (chunk: unknown, ...rest: unknown[]) => {
        this.written.push(String(chunk));
        return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
      };
      this.restorers.push(() => (stream.write = original));
    }
    return this;
  }

  stop(): void {
    for (const restore of this.restorers.splice(0)) restore();
  }

  /** Every line captured so far: logger lines, console calls and raw writes. */
  lines(): string[] {
    return [...this.logger.lines, ...this.written];
  }
}

/** Fails naming where a secret appeared, if it appears in any of the texts. */
export function expectNoSecret(secrets: string[], sources: Record<string, string[] | string>): void {
  for (const [where, value] of Object.entries(sources)) {
    for (const text of Array.isArray(value) ? value : [value]) {
      for (const secret of secrets) {
        if (text.includes(secret))
          throw new Error(`secret ${JSON.stringify(secret.slice(0, 2))}… leaked in ${where}: ${text.replaceAll(secret, '<SECRET>').slice(0, 300)}`);
      }
    }
  }
}
