import { HealthIndicator, type HealthCheckContext, type HealthIndicatorCheck } from 'nest-vitals';
import { NotesService } from './notes.service.js';

/** The app's own indicator: the notes table answers and is not over its soft limit. */
@HealthIndicator('notes-store', { probes: ['readiness'], critical: false, timeoutMs: 500 })
export class NotesStoreIndicator implements HealthIndicatorCheck {
  static readonly SOFT_LIMIT = 100_000;

  constructor(private readonly notes: NotesService) {}

  async check({ indicator }: HealthCheckContext) {
    const count = await this.notes.count();
    return count > NotesStoreIndicator.SOFT_LIMIT
      ? indicator.degraded({ notes: count, message: `more than ${NotesStoreIndicator.SOFT_LIMIT} notes` })
      : indicator.up({ notes: count });
  }
}
