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
import { HttpAdapterHost } from '@nestjs/core';
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
/** Writes a representation through Nest's HTTP adapter, so Express and Fastify answer alike. */
let HealthResponder = class HealthResponder {
    adapterHost;
    constructor(adapterHost) {
        this.adapterHost = adapterHost;
    }
    send(response, statusCode, body, contentType, headers = {}) {
        const adapter = this.adapterHost.httpAdapter;
        adapter.setHeader(response, 'Cache-Control', 'no-store');
        adapter.setHeader(response, 'Content-Type', contentType);
        for (const [name, value] of Object.entries(headers))
            adapter.setHeader(response, name, value);
        adapter.reply(response, body, statusCode);
    }
    json(response, statusCode, body, headers) {
        this.send(response, statusCode, JSON.stringify(body), JSON_CONTENT_TYPE, headers);
    }
};
HealthResponder = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [HttpAdapterHost])
], HealthResponder);
export { HealthResponder };
//# sourceMappingURL=health-responder.js.map