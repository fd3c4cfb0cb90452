import { HealthIndicator, HealthIndicatorService, type HealthIndicatorCheck } from 'nest-vitals';
import { NotesService } from './notes.service.js';

/** The app's own indicator: the notes table answers and is not over its soft limit. */
@HealthIndicator('notes-store', { probes: ['readiness'], critical: false, timeoutMs: 500 })
export class NotesStoreIndicator implements HealthIndicatorCheck {
  static readonly SOFT_LIMIT = 100_000;

  constructor(
    private readonly notes: NotesService,
    private readonly health: HealthIndicatorService,
  ) {}

  async check() {
    const session = this.health.check('notes-store');
    const count = await this.notes.count();
    return count > NotesStoreIndicator.SOFT_LIMIT
      ? session.degraded({ notes: count, message: `more than ${NotesStoreIndicator.SOFT_LIMIT} notes` })
      : session.up({ notes: count });
  }
}
