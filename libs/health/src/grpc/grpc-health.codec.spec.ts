import { describe, expect, it } from '@jest/globals';
import {
  decodeHealthCheckRequest,
  decodeHealthCheckResponse,
  encodeHealthCheckRequest,
  decodeHealthListRequest,
  decodeHealthListResponse,
  encodeHealthCheckResponse,
  encodeHealthListResponse,
  ServingStatus,
} from './grpc-health.codec.js';
import { healthTargetOf, servingStatusOf } from './grpc-health.status.js';

describe('grpc.health.v1 wire format', () => {
  it('encodes and decodes HealthCheckRequest as protobuf does (field 1, length-delimited)', () => {
    expect(encodeHealthCheckRequest({ service: 'db' })).toEqual(Buffer.from([0x0a, 0x02, 0x64, 0x62]));
    expect(encodeHealthCheckRequest({ service: '' })).toEqual(Buffer.alloc(0));
    expect(decodeHealthCheckRequest(Buffer.from([0x0a, 0x02, 0x64, 0x62]))).toEqual({ service: 'db' });
    expect(decodeHealthCheckRequest(Buffer.alloc(0))).toEqual({ service: '' });
    const long = 'x'.repeat(300);
    expect(decodeHealthCheckRequest(encodeHealthCheckRequest({ service: long }))).toEqual({ service: long });
    expect(decodeHealthCheckRequest(encodeHealthCheckRequest({ service: 'zdrowie-ü' }))).toEqual({ service: 'zdrowie-ü' });
  });

  it('skips fields it does not know, of every wire type', () => {
    const unknown = Buffer.from([0x10, 0x96, 0x01, 0x19, 1, 2, 3, 4, 5, 6, 7, 8, 0x25, 1, 2, 3, 4, 0x1a, 0x01, 0x41]);
    expect(decodeHealthCheckRequest(Buffer.concat([unknown, Buffer.from([0x0a, 0x01, 0x61])]))).toEqual({ service: 'a' });
  });

  it('rejects a malformed message instead of reading past its end', () => {
    expect(() => decodeHealthCheckRequest(Buffer.from([0x0a, 0x05, 0x61]))).toThrow('a field runs past the end');
    expect(() => decodeHealthCheckRequest(Buffer.from([0x0a]))).toThrow('truncated or overlong varint');
    expect(() => decodeHealthCheckRequest(Buffer.from([0x0b]))).toThrow('unsupported wire type 3');
  });

  it('encodes and decodes HealthCheckResponse (field 1, varint; UNKNOWN left out as proto3 does)', () => {
    expect(encodeHealthCheckResponse({ status: ServingStatus.SERVING })).toEqual(Buffer.from([0x08, 0x01]));
    expect(encodeHealthCheckResponse({ status: ServingStatus.SERVICE_UNKNOWN })).toEqual(Buffer.from([0x08, 0x03]));
    expect(encodeHealthCheckResponse({ status: ServingStatus.UNKNOWN })).toEqual(Buffer.alloc(0));
    for (const status of Object.values(ServingStatus)) expect(decodeHealthCheckResponse(encodeHealthCheckResponse({ status }))).toEqual({ status });
  });

  it('encodes HealthListResponse as a protobuf map (repeated entries of key = 1, value = 2) and decodes it back', () => {
    const bytes = encodeHealthListResponse({ statuses: { db: { status: ServingStatus.SERVING } } });
    // statuses(1): entry { key(1): "db", value(2): { status(1): 1 } }
    expect(bytes).toEqual(Buffer.from([0x0a, 0x08, 0x0a, 0x02, 0x64, 0x62, 0x12, 0x02, 0x08, 0x01]));
    const statuses = { '': { status: ServingStatus.NOT_SERVING }, 'group:payments': { status: ServingStatus.SERVING }, x: { status: ServingStatus.UNKNOWN } };
    expect(decodeHealthListResponse(encodeHealthListResponse({ statuses }))).toEqual({ statuses });
    expect(decodeHealthListRequest(Buffer.alloc(0))).toEqual({});
    expect(() => decodeHealthListRequest(Buffer.from([0x0a, 0x05]))).toThrow('a field runs past the end');
  });
});

describe('service names and serving statuses', () => {
  it("maps '' and the probe names to probes, group:<name> to a group, anything else to a check", () => {
    expect(healthTargetOf('')).toEqual({ kind: 'probe', probe: 'readiness' });
    expect(healthTargetOf('readiness')).toEqual({ kind: 'probe', probe: 'readiness' });
    expect(healthTargetOf('liveness')).toEqual({ kind: 'probe', probe: 'liveness' });
    expect(healthTargetOf('startup')).toEqual({ kind: 'probe', probe: 'startup' });
    expect(healthTargetOf('database')).toEqual({ kind: 'check', name: 'database' });
    expect(healthTargetOf('constructor')).toEqual({ kind: 'check', name: 'constructor' });
    expect(healthTargetOf('group:payments')).toEqual({ kind: 'group', group: 'payments' });
  });

  it('serves UP and DEGRADED only', () => {
    expect(servingStatusOf('UP')).toBe(ServingStatus.SERVING);
    expect(servingStatusOf('DEGRADED')).toBe(ServingStatus.SERVING);
    for (const status of ['DOWN', 'STARTING', 'SHUTTING_DOWN'] as const) expect(servingStatusOf(status)).toBe(ServingStatus.NOT_SERVING);
  });
});
