import type { LoggerService } from '@nestjs/common';
import { HealthLogEntry } from 'nest-vitals';

/** A Nest logger that keeps every line it is given, for assertions about what the app logged. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];

  private keep(level: string, message: unknown, params: unknown[]): void {
    const text = [message, ...params].map((part) =>
      part instanceof Error
        ? `${part.message}\n${part.stack ?? ''}`
        : typeof part === 'string'
          ? part
          : // Read as Nest's text logger reads it: one logfmt line.
            part instanceof HealthLogEntry
            ? part.toString()
            : JSON.stringify(part),
    );
    this.lines.push(`${level} ${text.join(' ')}`);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.keep('LOG', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.keep('ERROR', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.keep('WARN', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.keep('DEBUG', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.keep('VERBOSE', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.keep('FATAL', message, params);
  }
}
