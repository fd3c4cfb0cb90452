var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
/** The module's internal event streams: every real run, and every status change. */
let HealthEvents = class HealthEvents {
    runs$ = new Subject();
    changes$ = new Subject();
    lastProbeStatus = new Map();
    /** Records a probe's status and emits a change when it differs from the last one. */
    probeStatus(probe, status, reason) {
        const previous = this.lastProbeStatus.get(probe);
        if (previous === status)
            return;
        this.lastProbeStatus.set(probe, status);
        this.changes$.next({ kind: 'probe', name: probe, from: previous, to: status, reason, at: new Date().toISOString() });
    }
    onModuleDestroy() {
        this.runs$.complete();
        this.changes$.complete();
    }
};
HealthEvents = __decorate([
    Injectable()
], HealthEvents);
export { HealthEvents };
//# sourceMappingURL=health-events.js.map