import { Inject, Module, type DynamicModule, type NestModule } from '@nestjs/common';
import { DiscoveryModule, HttpAdapterHost } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { HealthAccess } from './access/health-access.js';
import { HealthEvents } from './execution/health-events.js';
import { HealthExecutor } from './execution/health-executor.js';
import { RESOLVED_HEALTH_OPTIONS } from './options/health-options.token.js';
import { ConfigurableHealthModule, type OPTIONS_TYPE } from './health.module-definition.js';
import { HealthService } from './service/health.service.js';
import { ProbeEvaluator } from './evaluation/probe-evaluator.js';
import { HealthRequestHandler } from './handler/health-request.handler.js';
import { grpcHealthServerProvider } from './grpc/grpc-health.server.js';
import { appGrpcServersProvider } from './grpc/app-grpc-servers.provider.js';
import { grpcAttachedHealthProvider } from './grpc/grpc-attached-health.js';
import { builtinIndicatorProviders } from './indicators/builtin-indicators.js';
import { BackgroundRefresh } from './lifecycle/background-refresh.js';
import { DrainingConnections } from './lifecycle/draining-connections.js';
import { GracefulShutdown } from './lifecycle/graceful-shutdown.js';
import { ShutdownHookTracker } from './lifecycle/shutdown-hook-tracker.js';
import { ShutdownHolds } from './lifecycle/shutdown-holds.js';
import { ManualProbeState } from './lifecycle/manual-probe-state.js';
import { StartupGate } from './lifecycle/startup-gate.js';
import { TransitionLogger } from './logging/transition-logger.js';
import { SlowCheckLogger } from './logging/slow-check-logger.js';
import { HealthMetrics } from './metrics/health-metrics.js';
import { HealthHistory } from './history/health-history.js';
import { HealthTracing } from './tracing/health-tracing.js';
import { HealthIndicatorRegistry } from './registry/health-indicator.registry.js';
import { HealthExplorer } from './registry/health.explorer.js';
import { HealthSimulations } from './simulation/health-simulations.js';
import { HealthSettingsReader } from './settings/health-settings.js';
import { HealthSettingsAnswer } from './handler/settings.answer.js';
import { SimulationAnswer } from './handler/simulation.answer.js';
import { routeDependenciesProvider } from './route-aware/route-dependencies.js';
import { mapRefusals } from './controllers/health.controller.js';
import { HEALTH_MOUNT, type HealthMount } from './settings/health-mount.js';

/**
 * Kubernetes-grade health checks: liveness, readiness and startup probes and a detailed report,
 * from indicators marked with `@HealthIndicator()` and the built-ins switched on in the options.
 * `forRoot({ path, isGlobal, openapi, decorators, ...options })`; `forRootAsync({ path, ..., useFactory })`.
 *
 * @example HealthModule.forRoot({ database: true, memory: { heapUsedMb: { warn: 512, down: 1024 } } })
 * @publicApi
 */
@Module({
  imports: [DiscoveryModule, TerminusModule],
  providers: [
    HealthEvents,
    HealthIndicatorRegistry,
    HealthExplorer,
    ...builtinIndicatorProviders(RESOLVED_HEALTH_OPTIONS),
    HealthTracing,
    HealthExecutor,
    BackgroundRefresh,
    GracefulShutdown,
    DrainingConnections,
    ShutdownHolds,
    ShutdownHookTracker,
    StartupGate,
    ManualProbeState,
    TransitionLogger,
    SlowCheckLogger,
    HealthMetrics,
    HealthHistory,
    HealthAccess,
    HealthSimulations,
    HealthSettingsReader,
    HealthSettingsAnswer,
    SimulationAnswer,
    ProbeEvaluator,
    HealthService,
    routeDependenciesProvider,
    HealthRequestHandler,
    grpcHealthServerProvider,
    appGrpcServersProvider,
    grpcAttachedHealthProvider,
  ],
  exports: [HealthService, TerminusModule, RESOLVED_HEALTH_OPTIONS],
})
export class HealthModule extends ConfigurableHealthModule implements NestModule {
  constructor(
    @Inject(HEALTH_MOUNT) private readonly mount: HealthMount,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    super();
  }

  /**
   * The last moment before Nest registers the routes, and the first the app's HTTP adapter is known (a testing
   * module is compiled before it has one): the controller's refusals are mapped in the adapter's path syntax.
   */
  configure(): void {
    if (this.mount.controller) mapRefusals(this.mount.controller, this.adapterHost.httpAdapter?.getType());
  }

  static override forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }
}
