var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Injectable, Logger } from '@nestjs/common';
import { HealthEvents } from '../execution/health-events.js';
const quote = (text) => JSON.stringify(text);
/** One structured (logfmt) line per status transition: WARN going down, LOG on recovery. */
export function formatTransition(change) {
    const fields = [
        `${change.kind}=${change.name}`,
        `from=${change.from ?? 'NONE'}`,
        `to=${change.to}`,
        change.durationMs === undefined ? undefined : `durationMs=${change.durationMs}`,
        change.reason === undefined ? undefined : `reason=${quote(change.reason)}`,
    ];
    return `health ${change.kind} transition ${fields.filter(Boolean).join(' ')}`;
}
let TransitionLogger = class TransitionLogger {
    events;
    logger = new Logger('HealthModule');
    constructor(events) {
        this.events = events;
    }
    onModuleInit() {
        this.events.changes$.subscribe((change) => {
            if (change.from === undefined && change.to === 'UP')
                return;
            if (change.to === 'UP')
                this.logger.log(formatTransition(change));
            else
                this.logger.warn(formatTransition(change));
        });
    }
};
TransitionLogger = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [HealthEvents])
], TransitionLogger);
export { TransitionLogger };
//# sourceMappingURL=transition-logger.js.map