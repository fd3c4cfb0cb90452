var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthEvents } from '../execution/health-events.js';
import { HealthExecutor } from '../execution/health-executor.js';
import { InjectHealthOptions } from '../health.module-definition.js';
import { HealthIndicatorRegistry } from '../registry/health-indicator.registry.js';
import { aggregateStatus } from '../status/status-aggregator.js';
/** How often startup indicators are retried in the background until they pass. */
const STARTUP_RETRY_MS = 1000;
/**
 * The app's lifecycle as probes see it: the startup gate (bootstrap finished and startup
 * indicators passed once), manual readiness/liveness, and graceful shutdown (readiness flips
 * to SHUTTING_DOWN on the signal, the app keeps serving for `drainDelayMs`, then Nest closes).
 */
let HealthLifecycle = class HealthLifecycle {
    options;
    registry;
    executor;
    events;
    logger = new Logger('HealthModule');
    bootstrapped = false;
    startupPassed = false;
    shuttingDown = false;
    signalReceived;
    readiness;
    liveness;
    startupRetry;
    signalListeners = new Map();
    constructor(options, registry, executor, events) {
        this.options = options;
        this.registry = registry;
        this.executor = executor;
        this.events = events;
    }
    get started() {
        return this.bootstrapped && this.startupPassed;
    }
    onApplicationBootstrap() {
        this.bootstrapped = true;
        this.executor.startRefresh(this.registry.all());
        this.listenForShutdownSignals();
        void this.runStartupChecks();
    }
    /** Runs the startup checks (for a startup probe, and as the background retry); latches once they pass. */
    async runStartupChecks() {
        const results = await this.executor.results(this.registry.forProbe('startup'));
        if (!this.startupPassed && aggregateStatus(Object.values(results)) !== 'DOWN') {
            this.startupPassed = true;
            clearTimeout(this.startupRetry);
        }
        else if (!this.startupPassed && !this.shuttingDown) {
            clearTimeout(this.startupRetry);
            this.startupRetry = setTimeout(() => void this.runStartupChecks(), STARTUP_RETRY_MS);
            this.startupRetry.unref();
        }
        return results;
    }
    /** The state that answers this probe without running checks, if any. */
    gate(selector) {
        if (selector === 'liveness') {
            return this.liveness === undefined ? undefined : { status: 'DOWN', reason: this.liveness };
        }
        if (selector === 'startup') {
            return this.bootstrapped ? undefined : { status: 'STARTING', reason: 'application bootstrap has not finished' };
        }
        if (this.shuttingDown) {
            return { status: 'SHUTTING_DOWN', reason: this.signalReceived ? `received ${this.signalReceived}; draining` : 'application is shutting down' };
        }
        if (!this.started) {
            return {
                status: 'STARTING',
                reason: this.bootstrapped ? 'startup checks have not passed yet' : 'application bootstrap has not finished',
            };
        }
        if (this.readiness !== undefined)
            return { status: 'DOWN', reason: this.readiness };
        return undefined;
    }
    setReadiness(state, reason) {
        this.readiness = state === 'refusing' ? reason || 'readiness set to refusing' : undefined;
    }
    setLiveness(state, reason) {
        this.liveness = state === 'broken' ? reason || 'liveness set to broken' : undefined;
    }
    /** Readiness turns SHUTTING_DOWN; after a shutdown signal the app keeps serving for `drainDelayMs`. */
    async onModuleDestroy() {
        this.beginShutdown();
        clearTimeout(this.startupRetry);
        if (this.signalReceived && this.options.shutdown.drainDelayMs > 0) {
            this.logger.log(`draining for ${this.options.shutdown.drainDelayMs} ms before shutdown`);
            await sleep(this.options.shutdown.drainDelayMs);
        }
    }
    beforeApplicationShutdown() {
        for (const [signal, listener] of this.signalListeners)
            process.removeListener(signal, listener);
        this.signalListeners.clear();
    }
    beginShutdown(signal) {
        if (signal && !this.signalReceived)
            this.signalReceived = signal;
        if (this.shuttingDown)
            return;
        this.shuttingDown = true;
        this.events.probeStatus('readiness', 'SHUTTING_DOWN', signal ? `received ${signal}` : 'application is shutting down');
    }
    /**
     * With `app.enableShutdownHooks()`, Nest listens for the signals; we listen too, first, so that
     * readiness flips the moment the signal arrives. Without shutdown hooks we add no listener: a
     * listener of ours would stop the signal from ending the process.
     */
    listenForShutdownSignals() {
        for (const signal of this.options.shutdown.signals) {
            if (process.listenerCount(signal) === 0 || this.signalListeners.has(signal))
                continue;
            const listener = () => this.beginShutdown(signal);
            this.signalListeners.set(signal, listener);
            process.prependListener(signal, listener);
        }
    }
};
HealthLifecycle = __decorate([
    Injectable(),
    __param(0, InjectHealthOptions()),
    __metadata("design:paramtypes", [Object, HealthIndicatorRegistry,
        HealthExecutor,
        HealthEvents])
], HealthLifecycle);
export { HealthLifecycle };
//# sourceMappingURL=health-lifecycle.js.map