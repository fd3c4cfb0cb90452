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
import { Controller, Get, Logger, Param, Query, Res } from '@nestjs/common';
import { InjectHealthOptions } from '../health.module-definition.js';
import { HealthService } from '../health.service.js';
import { HealthResponder } from '../formats/health-responder.js';
import { describeError } from '../execution/check-outcome.js';
import { redact } from '../redaction/redactor.js';
function toList(value) {
    if (value === undefined)
        return [];
    return (Array.isArray(value) ? value : [value]).flatMap((entry) => String(entry).split(',')).map((entry) => entry.trim()).filter(Boolean);
}
/**
 * The probe routes. Mounted under the module's `path` (default `health`); one subclass is made
 * per `HealthModule` import so that each can have its own path.
 */
let HealthController = class HealthController {
    health;
    responder;
    options;
    logger = new Logger('HealthModule');
    constructor(health, responder, options) {
        this.health = health;
        this.responder = responder;
        this.options = options;
    }
    async live(response) {
        await this.answer('liveness', response, []);
    }
    async ready(exclude, response) {
        await this.answer('readiness', response, toList(exclude));
    }
    async startup(exclude, response) {
        await this.answer('startup', response, toList(exclude));
    }
    async report(exclude, response) {
        await this.answer('all', response, toList(exclude));
    }
    async check(name, response) {
        const result = await this.health.checkOne(name);
        if (!result) {
            const known = this.health.checkNames();
            this.responder.json(response, 404, {
                statusCode: 404,
                message: `No health check named ${JSON.stringify(name.slice(0, 100))}; known checks: ${known.length ? known.join(', ') : 'none'}`,
                error: 'Not Found',
            });
            return;
        }
        this.responder.json(response, this.options.httpStatus[result.status], result);
    }
    async answer(selector, response, exclude) {
        let report;
        try {
            report = await this.health.check(selector, { exclude });
        }
        catch (error) {
            // Never a 500: a failure of the health machinery itself is reported as DOWN.
            const reason = redact(`health evaluation failed: ${describeError(error)}`);
            this.logger.error(reason);
            report = { status: 'DOWN', reason };
        }
        const body = selector === 'liveness' ? { status: report.status } : report;
        this.responder.json(response, this.options.httpStatus[report.status], body);
    }
};
__decorate([
    Get('live'),
    __param(0, Res()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object]),
    __metadata("design:returntype", Promise)
], HealthController.prototype, "live", null);
__decorate([
    Get('ready'),
    __param(0, Query('exclude')),
    __param(1, Res()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object]),
    __metadata("design:returntype", Promise)
], HealthController.prototype, "ready", null);
__decorate([
    Get('startup'),
    __param(0, Query('exclude')),
    __param(1, Res()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object]),
    __metadata("design:returntype", Promise)
], HealthController.prototype, "startup", null);
__decorate([
    Get(),
    __param(0, Query('exclude')),
    __param(1, Res()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object]),
    __metadata("design:returntype", Promise)
], HealthController.prototype, "report", null);
__decorate([
    Get('checks/:name'),
    __param(0, Param('name')),
    __param(1, Res()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, Object]),
    __metadata("design:returntype", Promise)
], HealthController.prototype, "check", null);
HealthController = __decorate([
    Controller(),
    __param(2, InjectHealthOptions()),
    __metadata("design:paramtypes", [HealthService,
        HealthResponder, Object])
], HealthController);
export { HealthController };
//# sourceMappingURL=health.controller.js.map