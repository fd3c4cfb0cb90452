import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { ROOT_CONTEXT, SpanStatusCode, context, trace, type Context, type ContextManager } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { HealthIndicator, HealthModule, type HealthCheckContext } from 'nest-vitals';
import { startApp } from './support/http-app.js';
import { scriptedIndicator } from './support/indicators.js';

/** What @opentelemetry/context-async-hooks does (not installed here): the active context kept in an AsyncLocalStorage. */
class AsyncLocalStorageContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(active: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(active, () => fn.call(thisArg, ...args));
  }
  bind<T>(active: Context, target: T): T {
    return typeof target === 'function'
      ? (((...args: unknown[]) => this.with(active, target as (...args: unknown[]) => unknown, undefined, ...args)) as T)
      : target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => {
  expect(trace.setGlobalTracerProvider(provider)).toBe(true);
  expect(context.setGlobalContextManager(new AsyncLocalStorageContextManager())).toBe(true);
});
afterAll(async () => {
  trace.disable();
  context.disable();
  await provider.shutdown();
});

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  exporter.reset();
});

const spansOf = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.name === `health.check ${name}`);
const durationMs = (span: ReadableSpan) => span.duration[0] * 1000 + span.duration[1] / 1e6;

async function get(url: string): Promise<number> {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.status;
}

describe('OpenTelemetry spans of check runs (@opentelemetry/api installed, a tracer provider registered)', () => {
  it('makes one span per real run, with the check attributes, and none for cached answers or probes', async () => {
    const live = scriptedIndicator('live-check', { critical: false });
    const cached = scriptedIndicator('cached-check', { cacheTtlMs: 60_000 });
    const started = await startApp({ imports: [HealthModule.forRoot()], providers: [live, cached] });
    app = started.app;
    for (let i = 0; i < 3; i++) expect(await get(`${started.url}/health/ready`)).toBe(200);
    expect(await get(`${started.url}/health/live`)).toBe(200);

    expect({ live: live.runs, cached: cached.runs }).toEqual({ live: 3, cached: 1 });
    // Only check runs make spans: three of `live-check`, one of `cached-check`, nothing for the four probes.
    expect(
      exporter
        .getFinishedSpans()
        .map((span) => span.name)
        .sort(),
    ).toEqual(['health.check cached-check', 'health.check live-check', 'health.check live-check', 'health.check live-check']);
    const [span] = spansOf('live-check');
    expect(span.instrumentationScope.name).toBe('nest-vitals');
    expect(span.attributes).toEqual({
      'health.check.name': 'live-check',
      'health.check.critical': false,
      'health.check.status': 'UP',
      'health.check.duration_ms': expect.any(Number),
      'health.check.cached': false,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(spansOf('cached-check')[0].attributes).toMatchObject({ 'health.check.critical': true, 'health.check.status': 'UP', 'health.check.cached': false });
  });

  it('marks a DOWN run as an error with the redacted reason', async () => {
    const secret = 's3cr3t-pass';
    @HealthIndicator('ledger')
    class LedgerIndicator {
      check(): never {
        throw new Error(`connect ECONNREFUSED postgres://ledger:${secret}@10.0.0.5:5432/ledger`);
      }
    }
    const degraded = scriptedIndicator('mailer', { critical: false });
    degraded.answer = 'degraded';
    const started = await startApp({ imports: [HealthModule.forRoot()], providers: [LedgerIndicator, degraded] });
    app = started.app;
    expect(await get(`${started.url}/health/ready`)).toBe(503);

    const [down] = spansOf('ledger');
    expect(down.attributes).toMatchObject({ 'health.check.status': 'DOWN', 'health.check.critical': true, 'health.check.cached': false });
    expect(down.status.code).toBe(SpanStatusCode.ERROR);
    expect(down.status.message).toContain('connect ECONNREFUSED postgres://ledger:');
    expect(down.status.message).not.toContain(secret);
    // DEGRADED is not an error.
    const [slow] = spansOf('mailer');
    expect({ status: slow.attributes['health.check.status'], code: slow.status.code }).toEqual({ status: 'DEGRADED', code: SpanStatusCode.UNSET });
  });

  it("ends a hung check's span at the timeout, with an error", async () => {
    const hung = scriptedIndicator('hung', { timeoutMs: 300 });
    hung.answer = 'hang';
    const started = await startApp({ imports: [HealthModule.forRoot()], providers: [hung] });
    app = started.app;
    const before = performance.now();
    expect(await get(`${started.url}/health/ready`)).toBe(503);
    const elapsed = performance.now() - before;

    // Ended when the probe was answered, though the check itself never returns.
    const [span] = spansOf('hung');
    expect(span.ended).toBe(true);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'timed out after 300 ms' });
    expect(span.attributes).toMatchObject({ 'health.check.status': 'DOWN', 'health.check.cached': false });
    expect(durationMs(span)).toBeGreaterThanOrEqual(299);
    expect(durationMs(span)).toBeLessThanOrEqual(elapsed + 1);
  });

  it('makes the span active while the check runs, so spans the check makes are its children', async () => {
    @HealthIndicator('parent')
    class ParentIndicator {
      async check({ indicator }: HealthCheckContext) {
        await trace.getTracer('driver').startActiveSpan('SELECT 1', async (query) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          query.end();
        });
        return indicator.up();
      }
    }
    const started = await startApp({ imports: [HealthModule.forRoot()], providers: [ParentIndicator] });
    app = started.app;
    expect(await get(`${started.url}/health/ready`)).toBe(200);
    const [span] = spansOf('parent');
    const [query] = exporter.getFinishedSpans().filter((finished) => finished.name === 'SELECT 1');
    expect(query.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
    expect(query.spanContext().traceId).toBe(span.spanContext().traceId);
  });
});
