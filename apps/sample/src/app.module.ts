import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthModule, type HealthModuleOptions } from 'nest-vitals';
import { MetricsModule } from './metrics/metrics.module.js';
import { NotesModule } from './notes/notes.module.js';
import { WorkController } from './work/work.controller.js';
import { DEPENDENCY_URL, DependencyController } from './dependency/dependency.controller.js';
import { readSampleConfig, typeOrmOptions, type SampleConfig } from './sample.config.js';

/** Health options of the sample app, from its environment. */
export function healthOptions(config: SampleConfig): HealthModuleOptions {
  return {
    service: { name: 'nest-vitals-sample' },
    apiKey: config.healthApiKey,
    cacheTtlMs: config.cacheTtlMs,
    refreshIntervalMs: config.refreshIntervalMs,
    shutdown: { drainDelayMs: config.drainDelayMs, timeoutMs: config.shutdownTimeoutMs },
    database: true,
    memory: {
      heapUsedMb: { warn: (config.heapDownMb ?? 1024) / 2, down: config.heapDownMb ?? 1024 },
      rssMb: { warn: config.heapDownMb ?? 1024, down: 2 * (config.heapDownMb ?? 1024) },
    },
    disk: { path: process.cwd(), warnPercent: 90, downPercent: 98 },
    eventLoop: { probes: ['liveness'], warnMs: 200, downMs: 1000 },
    redis: config.redisUrl ? { url: config.redisUrl, critical: false } : undefined,
    // Route-scoped by default (probes: []): it gates GET /dependency only; the pod stays ready while it is DOWN.
    http: config.dependencyUrl ? { dependency: { url: config.dependencyUrl, critical: false, probes: config.dependencyProbes } } : undefined,
    dependsOn: { failFast: true },
    grpc: config.grpcPort === undefined ? undefined : { port: config.grpcPort },
    simulation: config.simulationKey ? { enabled: true, apiKey: config.simulationKey, allowInProduction: config.simulationInProduction } : undefined,
  };
}

@Module({})
export class AppModule {
  static register(config: SampleConfig = readSampleConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(typeOrmOptions(config)),
        NotesModule,
        HealthModule.forRoot({ ...healthOptions(config), server: config.healthPort === undefined ? undefined : { port: config.healthPort } }),
        MetricsModule,
      ],
      // GET /dependency depends on the `dependency` check, which exists only with DEPENDENCY_URL.
      controllers: config.dependencyUrl ? [WorkController, DependencyController] : [WorkController],
      providers: config.dependencyUrl ? [{ provide: DEPENDENCY_URL, useValue: config.dependencyUrl }] : [],
    };
  }
}
