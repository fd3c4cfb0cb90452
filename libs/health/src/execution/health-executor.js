var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Injectable } from '@nestjs/common';
import { CheckRunner } from './check-runner.js';
import { HealthEvents } from './health-events.js';
/** Runs indicators concurrently, each through its own `CheckRunner`. */
let HealthExecutor = class HealthExecutor {
    events;
    runners = new Map();
    constructor(events) {
        this.events = events;
    }
    runner(indicator) {
        let runner = this.runners.get(indicator);
        if (!runner) {
            runner = new CheckRunner(indicator, this.events);
            this.runners.set(indicator, runner);
        }
        return runner;
    }
    /** Results of the given indicators, all run concurrently, keyed by name in the given order. */
    async results(indicators) {
        const results = await Promise.all(indicators.map((indicator) => this.runner(indicator).result()));
        return Object.fromEntries(indicators.map((indicator, index) => [indicator.name, results[index]]));
    }
    /** Starts background refresh for every indicator that has a refresh interval. */
    startRefresh(indicators) {
        for (const indicator of indicators)
            this.runner(indicator).startRefresh();
    }
    beforeApplicationShutdown() {
        for (const runner of this.runners.values())
            runner.stopRefresh();
    }
};
HealthExecutor = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [HealthEvents])
], HealthExecutor);
export { HealthExecutor };
//# sourceMappingURL=health-executor.js.map