import { describe, expect, it } from '@jest/globals';
import * as promClient from 'prom-client';
import { Gauge, Registry } from 'prom-client';
import { HealthOptionsError } from '../errors/health-options.error.js';
import { loadPromClient, registerHealthMetrics, statusValue } from './health-metrics.js';

describe('statusValue', () => {
  it('maps UP to 1, DEGRADED to 0.5 and everything else to 0', () => {
    expect(['UP', 'DEGRADED', 'DOWN', 'STARTING', 'SHUTTING_DOWN'].map((status) => statusValue(status as never))).toEqual([1, 0.5, 0, 0, 0]);
  });
});

describe('loadPromClient', () => {
  it('loads the installed prom-client', async () => {
    const loaded = await loadPromClient();
    expect(loaded?.Registry).toBe(Registry);
  });
});

describe('registerHealthMetrics', () => {
  it('registers the five metrics in the given registry', async () => {
    const registry = new Registry();
    registerHealthMetrics(promClient, registry);
    const metrics = await registry.getMetricsAsJSON();
    expect(metrics.map((metric) => [metric.name, metric.type]).sort()).toEqual([
      ['health_check_duration_seconds', 'histogram'],
      ['health_check_status', 'gauge'],
      ['health_check_transitions_total', 'counter'],
      ['health_route_rejections_total', 'counter'],
      ['health_status', 'gauge'],
    ]);
  });

  it('reuses the metrics already in the registry instead of registering them twice', () => {
    const registry = new Registry();
    const first = registerHealthMetrics(promClient, registry);
    const second = registerHealthMetrics(promClient, registry);
    expect(second.checkStatus).toBe(first.checkStatus);
    expect(second.checkDuration).toBe(first.checkDuration);
    expect(second.probeStatus).toBe(first.probeStatus);
    expect(second.transitions).toBe(first.transitions);
  });

  it('refuses a metric of the same name with other labels, naming it', () => {
    const registry = new Registry();
    new Gauge({ name: 'health_check_status', help: 'mine', labelNames: ['name'], registers: [registry] });
    expect(() => registerHealthMetrics(promClient, registry)).toThrow(HealthOptionsError);
    expect(() => registerHealthMetrics(promClient, registry)).toThrow(
      `"metrics.registry" already has a metric named "health_check_status" that is not nest-vitals' (a Gauge with labels check, critical, simulated)`,
    );
  });
});
