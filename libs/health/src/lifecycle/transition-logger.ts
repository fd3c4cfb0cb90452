import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HealthEvents, type HealthStatusChange } from '../execution/health-events.js';

const quote = (text: string) => JSON.stringify(text);

/** One structured (logfmt) line per status transition: WARN going down, LOG on recovery. */
export function formatTransition(change: HealthStatusChange): string {
  const fields = [
    `${change.kind}=${change.name}`,
    `from=${change.from ?? 'NONE'}`,
    `to=${change.to}`,
    change.durationMs === undefined ? undefined : `durationMs=${change.durationMs}`,
    change.reason === undefined ? undefined : `reason=${quote(change.reason)}`,
  ];
  return `health ${change.kind} transition ${fields.filter(Boolean).join(' ')}`;
}

@Injectable()
export class TransitionLogger implements OnModuleInit {
  private readonly logger = new Logger('HealthModule');

  constructor(private readonly events: HealthEvents) {}

  onModuleInit(): void {
    this.events.changes$.subscribe((change) => {
      if (change.from === undefined && change.to === 'UP') return;
      if (change.to === 'UP') this.logger.log(formatTransition(change));
      else this.logger.warn(formatTransition(change));
    });
  }
}
