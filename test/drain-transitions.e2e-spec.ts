import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthModule } from 'nest-vitals';
import { CapturingLogger } from './support/capturing-logger.js';
import { scriptedIndicator } from './support/indicators.js';
import { startApp } from './support/http-app.js';

describe('readiness during a drain', () => {
  it('a readiness evaluation that started before the shutdown and ends after it logs no SHUTTING_DOWN → DOWN', async () => {
    const Database = scriptedIndicator('database');
    const logger = new CapturingLogger();
    // The module follows SIGTERM only when the app listens for it (enableShutdownHooks): a listener of the test's
    // stands in, and process.emit delivers the "signal" to the listeners without ending the test's process.
    const standIn = () => undefined;
    process.on('SIGTERM', standIn);
    const { app, url } = await startApp(
      { imports: [HealthModule.forRoot({ details: 'always', shutdown: { drainDelayMs: 200 } })], providers: [Database] },
      { adapter: 'express', logger },
    );
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    // The next run is slow and fails (the database is going away with the app).
    Database.answer = 'down';
    Database.nextDelayMs = 400;
    const inFlight = fetch(`${url}/health/ready`).then(async (response) => ({ status: response.status, body: (await response.json()) as { status: string } }));
    await sleep(100);
    // The signal arrives while that evaluation is in flight: readiness turns SHUTTING_DOWN, the drain begins.
    process.emit('SIGTERM', 'SIGTERM');
    const answer = await inFlight;
    await sleep(50);
    process.removeListener('SIGTERM', standIn);
    await app.close();
    const transitions = logger.lines.filter((line) => line.includes('health probe transition probe=readiness'));
    expect(transitions.map((line) => /from=(\S+) to=(\S+)/.exec(line)!.slice(1).join(' → '))).toEqual(['UP → SHUTTING_DOWN']);
    // The answer to the request in flight says what readiness is by the time it is answered.
    expect(answer).toEqual({ status: 503, body: expect.objectContaining({ status: 'SHUTTING_DOWN' }) });
  });
});
