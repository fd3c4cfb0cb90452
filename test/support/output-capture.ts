import { format } from 'node:util';
import { CapturingLogger } from './capturing-logger.js';

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
type ConsoleMethod = (typeof CONSOLE_METHODS)[number];

/**
 * Captures everything an app could print while a test runs: its Nest logger (pass `logger` to
 * `startApp`), `console.*`, and raw writes to stdout/stderr (libraries that bypass both).
 */
export class OutputCapture {
  readonly logger = new CapturingLogger();
  private readonly written: string[] = [];
  private readonly restorers: (() => void)[] = [];

  start(): this {
    // Seen as plain function-valued properties: the originals are stored to be put back, not called unbound.
    const consoleMethods: Record<ConsoleMethod, (...args: unknown[]) => void> = console;
    for (const method of CONSOLE_METHODS) {
      const original = consoleMethods[method];
      consoleMethods[method] = (...args: unknown[]) => {
        this.written.push(`console.${method} ${format(...args)}`);
      };
      this.restorers.push(() => (consoleMethods[method] = original));
    }
    for (const stream of [process.stdout, process.stderr]) {
      const writable: { write: NodeJS.WriteStream['write'] } = stream;
      const original = writable.write;
      writable.write = (chunk: unknown, ...rest: unknown[]) => {
        this.written.push(String(chunk));
        return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
      };
      this.restorers.push(() => (writable.write = original));
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
