import { describe, expect, it, afterEach } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { HealthIndicator, HealthIndicatorService, HealthModule } from 'nest-vitals';
import { startApp } from './support/http-app.js';

@HealthIndicator('alpha')
class AlphaIndicator {
  constructor(private readonly health: HealthIndicatorService) {}
  check() {
    return this.health.check('alpha').up({ answer: 42 });
  }
}

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('smoke', () => {
  it('serves readiness', async () => {
    const started = await startApp({ imports: [HealthModule.forRoot()], providers: [AlphaIndicator] });
    app = started.app;
    const response = await fetch(`${started.url}/health/ready`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; details: Record<string, { status: string; data: unknown }> };
    expect(body.status).toBe('UP');
    expect(body.details.alpha).toMatchObject({ status: 'UP', data: { answer: 42 } });
  });
});
