import { Logger } from '@nestjs/common';
import type { sendUnaryData, ServerUnaryCall, ServerWritableStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { merge } from 'rxjs';
import { describeError } from '../execution/check-outcome.js';
import { loadOptionalPeer } from '../peers/optional-peer.loader.js';
import { ManualProbeState } from '../lifecycle/manual-probe-state.js';
import { StartupGate } from '../lifecycle/startup-gate.js';
import { redact } from '../redaction/redactor.js';
import { HealthIndicatorRegistry } from '../registry/health-indicator.registry.js';
import { HealthService } from '../service/health.service.js';
import {
  MAX_SERVICE_NAME_BYTES,
  ServingStatus,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type HealthListRequest,
  type HealthListResponse,
} from './grpc-health.codec.js';
import { GROUP_SERVICE_PREFIX, healthTargetOf, PROBE_SERVICE_NAMES, servingStatusOf, type HealthTarget } from './grpc-health.status.js';
import { HealthWatches, type AggregateTarget } from './grpc-health.watches.js';

type GrpcJs = typeof import('@grpc/grpc-js');

/**
 * `@grpc/grpc-js`, imported only when an option asks for a gRPC door (`option` names it when the package is missing).
 * @internal
 */
export async function loadGrpcJs(option: string): Promise<GrpcJs> {
  const loaded = await loadOptionalPeer({ option, packageName: '@grpc/grpc-js' }, () => import('@grpc/grpc-js'));
  return (loaded as GrpcJs & { default?: GrpcJs }).default ?? loaded;
}

/**
 * The most services `List` answers for; past it, `RESOURCE_EXHAUSTED` (gRFC A90 lets a server set such a
 * limit; grpc-go's is the same 100). `''`, the three probes, every check, every group and every alias count.
 */
export const GRPC_HEALTH_LIST_LIMIT = 100;

/** How long a closing door waits after its `Watch` calls have finished, for their trailers to leave. */
const TRAILERS_FLUSH_MS = 50;

/** What the health service reads: the engine and the lifecycle state that decides probes without their checks. */
export interface GrpcHealthSources {
  health: HealthService;
  registry: HealthIndicatorRegistry;
  startup: StartupGate;
  manual: ManualProbeState;
}

export interface GrpcHealthHandlerSettings {
  watchIntervalMs: number;
  /** Concurrent `Watch` calls kept at most on this door; one more ends at once with `RESOURCE_EXHAUSTED`. */
  maxWatchStreams: number;
  /** Extra service names and the name each answers as (the app's own `package.Service` → `''`, say). */
  aliases?: ReadonlyMap<string, string>;
}

/**
 * `grpc.health.v1.Health` (`Check`, `Watch`, `List`) over the engine, for any gRPC server to add: the
 * probe server's own listener and the app's own Nest gRPC server are two doors onto these handlers.
 * Statuses come from `HealthService` exactly as the HTTP probes get them. Each door has its own
 * watches, ended when that door closes.
 */
export class GrpcHealthHandlers {
  private readonly logger = new Logger('HealthModule');
  private readonly watches: HealthWatches;
  private readonly aliases: ReadonlyMap<string, string>;
  private readonly maxWatchStreams: number;
  /** Open `Watch` calls, each until its end has been written. */
  private readonly openCalls = new Set<ServerWritableStream<HealthCheckRequest, HealthCheckResponse>>();

  /** @internal Takes `@grpc/grpc-js` (an optional peer), whose types stay out of the published declarations. */
  constructor(
    private readonly grpc: GrpcJs,
    private readonly sources: GrpcHealthSources,
    settings: GrpcHealthHandlerSettings,
  ) {
    this.aliases = settings.aliases ?? new Map();
    this.maxWatchStreams = settings.maxWatchStreams;
    this.watches = new HealthWatches({
      targetOf: (service) => this.targetOf(service),
      evaluate: (service) => this.evaluate(service),
      includes: (target, check) => this.members(target).some((indicator) => indicator.name === check),
      changes$: sources.health.changes$,
      lifecycle$: merge(sources.startup.changed$, sources.manual.changed$),
      intervalMs: settings.watchIntervalMs,
    });
  }

  /** @internal The implementation `Server.addService(HEALTH_SERVICE_DEFINITION, ...)` takes (typed by `@grpc/grpc-js`). */
  implementation(): UntypedServiceImplementation {
    const { grpc } = this;
    return {
      check: (call: ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>, callback: sendUnaryData<HealthCheckResponse>) => {
        const { service } = call.request;
        const refused = this.refusal(call.request, false);
        if (refused) return callback(refused);
        void this.evaluate(service).then((status) => {
          if (status !== ServingStatus.SERVICE_UNKNOWN) callback(null, { status });
          else callback({ code: grpc.status.NOT_FOUND, details: redact(`unknown service ${JSON.stringify(service.slice(0, 100))}`) });
        });
      },
      watch: (call: ServerWritableStream<HealthCheckRequest, HealthCheckResponse>) => {
        const refused = this.refusal(call.request, true);
        if (refused) {
          call.emit('error', refused);
          return;
        }
        this.openCalls.add(call);
        const forget = () => this.openCalls.delete(call);
        call.once('finish', forget);
        call.once('cancelled', forget);
        const stop = this.watches.add(call.request.service, {
          send: (status) => {
            if (!call.cancelled) call.write({ status });
          },
          end: () => {
            if (!call.cancelled) call.end();
          },
        });
        call.on('cancelled', stop);
      },
      list: (_call: ServerUnaryCall<HealthListRequest, HealthListResponse>, callback: sendUnaryData<HealthListResponse>) => {
        const names = this.serviceNames();
        if (names.length > GRPC_HEALTH_LIST_LIMIT) {
          callback({
            code: grpc.status.RESOURCE_EXHAUSTED,
            details: `${names.length} services exceed the limit of ${GRPC_HEALTH_LIST_LIMIT} that List answers for; use Check or Watch per service`,
          });
          return;
        }
        void this.list(names).then((statuses) => callback(null, { statuses }));
      },
    };
  }

  /** Starts following changes for `Watch`. */
  start(): void {
    this.watches.start();
  }

  /**
   * Ends every `Watch` call with status OK and stops following changes; resolves once every ended call
   * has written its end (so that a server closed right after does not cut it), or after `timeoutMs`.
   */
  async close(timeoutMs = 1000): Promise<void> {
    this.watches.close();
    const calls = [...this.openCalls];
    if (calls.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(
        calls.map((call) => new Promise((resolve) => (this.openCalls.has(call) ? call.once('close', resolve).once('finish', resolve) : resolve(undefined)))),
      ),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    // The trailers (status OK) leave through the HTTP/2 session after the call has finished; a server
    // destroyed in the same turn cuts them (the client sees CANCELLED). Measured: a few ms; 50 ms of margin.
    await new Promise((resolve) => setTimeout(resolve, TRAILERS_FLUSH_MS));
  }

  /** Why a call is refused before anything is evaluated or kept: a name over 1 KiB, or one `Watch` stream too many. */
  private refusal(request: HealthCheckRequest, watch: boolean): { code: number; details: string } | undefined {
    const { status } = this.grpc;
    if (request.oversizedServiceBytes !== undefined) {
      return {
        code: status.INVALID_ARGUMENT,
        details: `service name of ${request.oversizedServiceBytes} bytes; at most ${MAX_SERVICE_NAME_BYTES} bytes are accepted`,
      };
    }
    if (watch && this.watches.openStreams >= this.maxWatchStreams) {
      return {
        code: status.RESOURCE_EXHAUSTED,
        details: `${this.maxWatchStreams} Watch streams are open, the most this server keeps (grpc.maxWatchStreams); use Check, or retry later`,
      };
    }
    return undefined;
  }

  /** Every name this door answers for: `''`, the probes, each check, each group (`group:<name>`), each alias. */
  serviceNames(): string[] {
    const names = new Set([
      ...PROBE_SERVICE_NAMES,
      ...this.sources.health.checkNames(),
      ...this.sources.health.groupNames().map((group) => `${GROUP_SERVICE_PREFIX}${group}`),
      ...this.aliases.keys(),
    ]);
    return [...names];
  }

  /** The serving status of a service name, from the same evaluation the HTTP probes use; never rejects. */
  async evaluate(service: string): Promise<ServingStatus> {
    const target = this.targetOf(service);
    try {
      if (target.kind === 'probe') return servingStatusOf((await this.sources.health.check(target.probe)).status);
      if (target.kind === 'group') {
        const report = await this.sources.health.checkGroup(target.group);
        return report ? servingStatusOf(report.status) : ServingStatus.SERVICE_UNKNOWN;
      }
      const result = await this.sources.health.checkOne(target.name);
      return result ? servingStatusOf(result.status) : ServingStatus.SERVICE_UNKNOWN;
    } catch (error) {
      // As on the HTTP routes: a failure of the health machinery itself is NOT_SERVING, never an error status.
      this.logger.error(redact(`gRPC health evaluation of ${JSON.stringify(service.slice(0, 100))} failed: ${describeError(error)}`));
      return ServingStatus.NOT_SERVING;
    }
  }

  /** The statuses of the names, each distinct target evaluated once (`''` and `readiness` are one probe). */
  private async list(names: string[]): Promise<Record<string, HealthCheckResponse>> {
    const evaluations = new Map<string, Promise<ServingStatus>>();
    const pending = names.map(async (service) => {
      const key = JSON.stringify(this.targetOf(service));
      let evaluation = evaluations.get(key);
      if (!evaluation) {
        evaluation = this.evaluate(service);
        evaluations.set(key, evaluation);
      }
      return [service, { status: await evaluation }] as const;
    });
    const statuses: Record<string, HealthCheckResponse> = {};
    for (const [service, response] of await Promise.all(pending)) statuses[service] = response;
    return statuses;
  }

  private targetOf(service: string): HealthTarget {
    return healthTargetOf(this.aliases.get(service) ?? service);
  }

  private members(target: AggregateTarget) {
    return target.kind === 'probe' ? this.sources.registry.forProbe(target.probe) : this.sources.registry.forGroup(target.group);
  }
}
