import { setTimeout as sleep } from 'node:timers/promises';
import { HealthIndicator, HealthIndicatorService, type HealthIndicatorOptions } from 'nest-vitals';

/** How a scripted indicator answers its next run. */
export type ScriptedAnswer = 'up' | 'degraded' | 'down' | 'throw' | 'hang';

/**
 * A real indicator class whose behaviour a test steers: it counts its runs, waits `delayMs`,
 * then answers `answer`. Made per test, so each test has its own class, name and counters.
 */
export function scriptedIndicator(name: string, options: HealthIndicatorOptions = {}) {
  class ScriptedIndicator {
    static runs = 0;
    static delayMs = 0;
    static answer: ScriptedAnswer = 'up';
    static nextDelayMs: number | undefined;

    constructor(readonly health: HealthIndicatorService) {}

    async check() {
      const self = ScriptedIndicator;
      self.runs++;
      const delay = self.nextDelayMs ?? self.delayMs;
      self.nextDelayMs = undefined;
      if (self.answer === 'hang') await new Promise(() => undefined);
      if (delay > 0) await sleep(delay);
      const session = this.health.check(name);
      switch (self.answer) {
        case 'up':
          return session.up({ run: self.runs });
        case 'degraded':
          return session.degraded({ run: self.runs, message: 'scripted degradation' });
        case 'down':
          return session.down({ run: self.runs, message: 'scripted failure' });
        default:
          throw new Error(`scripted exception in run ${self.runs}`);
      }
    }
  }
  Object.defineProperty(ScriptedIndicator, 'name', { value: `Scripted_${name.replace(/[^a-z0-9]/gi, '_')}` });
  Reflect.defineMetadata('design:paramtypes', [HealthIndicatorService], ScriptedIndicator);
  HealthIndicator(name, options)(ScriptedIndicator);
  return ScriptedIndicator;
}
