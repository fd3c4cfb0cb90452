import { Controller, Get, Inject, Injectable, type INestApplication } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { startApp, type AdapterName } from './http-app.js';

/** What the togglable indicator of a plain Terminus app reports. */
export type TerminusIndicatorState = 'up' | 'degraded' | 'down';

/** The two indicators a plain Terminus app reports: `database` always up, `payments` as the test sets it. */
export const TERMINUS_APP_CHECKS = { steady: 'database', togglable: 'payments' } as const;

@Injectable()
class PaymentsIndicator {
  state: TerminusIndicatorState = 'up';

  constructor(@Inject(HealthIndicatorService) private readonly health: HealthIndicatorService) {}

  check() {
    const session = this.health.check(TERMINUS_APP_CHECKS.togglable);
    if (this.state === 'up') return session.up({ responseTime: 3 });
    if (this.state === 'degraded') return session.degraded({ message: 'slow answers' });
    return session.down({ message: 'payments gateway unreachable' });
  }
}

@Controller('health')
class TerminusHealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(PaymentsIndicator) private readonly payments: PaymentsIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.indicators.check(TERMINUS_APP_CHECKS.steady).up({ responseTime: 1 }), () => this.payments.check()]);
  }
}

/** A running plain `@nestjs/terminus` app (no nest-vitals): `GET {url}/health` is its health check. */
export interface TerminusApp {
  app: INestApplication;
  /** Base URL; the health check is at `${url}/health`. */
  url: string;
  /** Sets what the `payments` indicator reports from the next request on. */
  setPayments(state: TerminusIndicatorState): void;
  close(): Promise<void>;
}

/**
 * Starts the app the Terminus docs describe — `TerminusModule`, a controller calling `HealthCheckService.check`
 * with indicators built on `HealthIndicatorService` — on an ephemeral loopback port. It answers 200
 * `{ status: 'ok' | 'degraded', info, error, details }` and, with `payments` down, 503 `{ status: 'error', ... }`.
 */
export async function startTerminusApp({ adapter = 'express' }: { adapter?: AdapterName } = {}): Promise<TerminusApp> {
  const { app, url } = await startApp(
    { imports: [TerminusModule.forRoot({ logger: false })], controllers: [TerminusHealthController], providers: [PaymentsIndicator] },
    { adapter },
  );
  const payments = app.get(PaymentsIndicator);
  return {
    app,
    url,
    setPayments: (state) => {
      payments.state = state;
    },
    close: () => app.close(),
  };
}
