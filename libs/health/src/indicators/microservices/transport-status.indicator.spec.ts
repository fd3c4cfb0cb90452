import { describe, expect, it } from '@jest/globals';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ReplaySubject } from 'rxjs';
import { TransportStatusHealthIndicator } from './transport-status.indicator.js';

const health = new HealthIndicatorService();
const context = { signal: new AbortController().signal, indicator: health.check('transport-nats') };

function watch(role: 'server' | 'client') {
  const status = new ReplaySubject<string>(1);
  const indicator = new TransportStatusHealthIndicator({ source: { status }, transport: 'nats', role });
  return { status, check: () => indicator.check(context)['transport-nats'], indicator };
}

describe('TransportStatusHealthIndicator', () => {
  it('a server that reported nothing is DOWN not-listening; a client that never connected is UP idle', () => {
    expect(watch('server').check()).toMatchObject({ status: 'down', state: 'not-listening' });
    expect(watch('client').check()).toMatchObject({ status: 'up', state: 'idle' });
  });

  it('follows the stream: connected UP, blocked DEGRADED, disconnected → reconnecting DOWN from the first disconnect, connected UP', async () => {
    const { status, check } = watch('server');
    status.next('connected');
    expect(check()).toMatchObject({ status: 'up', state: 'connected', transport: 'nats', role: 'server' });
    status.next('blocked');
    expect(check()).toMatchObject({ status: 'degraded', state: 'blocked' });
    status.next('disconnected');
    const first = check();
    expect(first).toMatchObject({ status: 'down', state: 'disconnected', message: expect.stringMatching(/^disconnected, disconnected for \d+\.\d s$/) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    status.next('reconnecting');
    const second = check();
    expect(second).toMatchObject({ status: 'down', state: 'reconnecting', since: first.since as string });
    expect(second.downForMs as number).toBeGreaterThanOrEqual(50);
    status.next('connected');
    expect(check()).toMatchObject({ status: 'up', state: 'connected' });
  });

  it('an unknown status is DOWN with its name; after shutdown the stream is no longer followed', () => {
    const { status, check, indicator } = watch('client');
    status.next('crashed');
    expect(check()).toMatchObject({ status: 'down', state: 'crashed' });
    indicator.onApplicationShutdown();
    status.next('connected');
    expect(check()).toMatchObject({ status: 'down', state: 'crashed' });
  });
});
