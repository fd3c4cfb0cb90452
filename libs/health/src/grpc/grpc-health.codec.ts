/*
 * The wire format of `grpc.health.v1.Health` (grpc/grpc-proto, health/v1/health.proto), written by
 * hand: two messages of one field each do not need a .proto file, protobufjs and a loader at run time.
 *
 *   message HealthCheckRequest  { string service = 1; }
 *   message HealthCheckResponse { ServingStatus status = 1; }
 *   enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; }
 *   message HealthListRequest   {}
 *   message HealthListResponse  { map<string, HealthCheckResponse> statuses = 1; }   // gRFC A90
 *
 * A map field is a repeated message field of entries { string key = 1; HealthCheckResponse value = 2; }.
 */
import type { ServiceDefinition } from '@grpc/grpc-js';

/** `grpc.health.v1.HealthCheckResponse.ServingStatus`. */
export const ServingStatus = { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } as const;
export type ServingStatus = (typeof ServingStatus)[keyof typeof ServingStatus];

export interface HealthCheckRequest {
  service: string;
  /** Set by the decoder when the name is longer than `MAX_SERVICE_NAME_BYTES`: its length; `service` is then `''` (never decoded). */
  oversizedServiceBytes?: number;
}

/** Service names longer than this (UTF-8 bytes) are refused with `INVALID_ARGUMENT`, before they are decoded or kept. */
export const MAX_SERVICE_NAME_BYTES = 1024;

/**
 * Request messages larger than this are refused by gRPC itself (`RESOURCE_EXHAUSTED`) from their length prefix,
 * before their bytes are buffered: a health request is a name of at most 1 KiB.
 */
export const MAX_REQUEST_MESSAGE_BYTES = 8 * 1024;

export interface HealthCheckResponse {
  status: ServingStatus;
}

/** `grpc.health.v1.HealthListRequest`: no fields. */
export type HealthListRequest = Record<string, never>;

/** `grpc.health.v1.HealthListResponse`: every service the server answers for, with its status. */
export interface HealthListResponse {
  statuses: Record<string, HealthCheckResponse>;
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/** Reads a base-128 varint at `offset`; returns its value (exact up to 2^53) and the offset after it. */
function readVarint(bytes: Uint8Array, offset: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let index = offset; index < bytes.length && index < offset + 10; index++) {
    const byte = bytes[index];
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [value, index + 1];
    scale *= 128;
  }
  throw new Error('malformed protobuf message: truncated or overlong varint');
}

function writeVarint(value: number, out: number[]): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

/**
 * Walks the fields of a message, calling `onField` with each field number and its value (a number
 * for varints, the bytes for length-delimited fields); fields of other wire types are skipped, as
 * protobuf readers skip what they do not know.
 */
function readFields(bytes: Uint8Array, onField: (field: number, value: number | Uint8Array) => void): void {
  let offset = 0;
  while (offset < bytes.length) {
    const [key, afterKey] = readVarint(bytes, offset);
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (wireType === WIRE_VARINT) {
      const [value, next] = readVarint(bytes, afterKey);
      onField(field, value);
      offset = next;
    } else if (wireType === WIRE_LENGTH_DELIMITED) {
      const [length, start] = readVarint(bytes, afterKey);
      if (start + length > bytes.length) throw new Error('malformed protobuf message: a field runs past the end');
      onField(field, bytes.subarray(start, start + length));
      offset = start + length;
    } else if (wireType === WIRE_FIXED64 || wireType === WIRE_FIXED32) {
      offset = afterKey + (wireType === WIRE_FIXED64 ? 8 : 4);
      if (offset > bytes.length) throw new Error('malformed protobuf message: a field runs past the end');
    } else {
      throw new Error(`malformed protobuf message: unsupported wire type ${wireType}`);
    }
  }
}

export function decodeHealthCheckRequest(bytes: Uint8Array): HealthCheckRequest {
  let service = '';
  let oversizedServiceBytes: number | undefined;
  readFields(bytes, (field, value) => {
    if (field !== 1 || typeof value === 'number') return;
    if (value.byteLength > MAX_SERVICE_NAME_BYTES) {
      service = '';
      oversizedServiceBytes = value.byteLength;
    } else {
      service = Buffer.from(value).toString('utf8');
      oversizedServiceBytes = undefined;
    }
  });
  return oversizedServiceBytes === undefined ? { service } : { service, oversizedServiceBytes };
}

export function encodeHealthCheckRequest(request: HealthCheckRequest): Buffer {
  const text = Buffer.from(request.service ?? '', 'utf8');
  if (text.length === 0) return Buffer.alloc(0);
  const head: number[] = [(1 << 3) | WIRE_LENGTH_DELIMITED];
  writeVarint(text.length, head);
  return Buffer.concat([Buffer.from(head), text]);
}

export function decodeHealthCheckResponse(bytes: Uint8Array): HealthCheckResponse {
  let status: number = ServingStatus.UNKNOWN;
  readFields(bytes, (field, value) => {
    if (field === 1 && typeof value === 'number') status = value;
  });
  return { status: status as ServingStatus };
}

export function encodeHealthCheckResponse(response: HealthCheckResponse): Buffer {
  // proto3 leaves a field at its default (UNKNOWN = 0) out.
  if (response.status === ServingStatus.UNKNOWN) return Buffer.alloc(0);
  const bytes: number[] = [(1 << 3) | WIRE_VARINT];
  writeVarint(response.status, bytes);
  return Buffer.from(bytes);
}

/** A length-delimited field: its key, its length, its bytes. */
function lengthDelimited(field: number, bytes: Uint8Array): Buffer {
  const head: number[] = [(field << 3) | WIRE_LENGTH_DELIMITED];
  writeVarint(bytes.length, head);
  return Buffer.concat([Buffer.from(head), bytes]);
}

export function decodeHealthListRequest(bytes: Uint8Array): HealthListRequest {
  // No fields are defined; unknown ones are skipped, malformed input still throws.
  readFields(bytes, () => undefined);
  return {};
}

export function encodeHealthListRequest(): Buffer {
  return Buffer.alloc(0);
}

export function encodeHealthListResponse(response: HealthListResponse): Buffer {
  const entries = Object.entries(response.statuses).map(([service, value]) =>
    lengthDelimited(1, Buffer.concat([lengthDelimited(1, Buffer.from(service, 'utf8')), lengthDelimited(2, encodeHealthCheckResponse(value))])),
  );
  return Buffer.concat(entries);
}

export function decodeHealthListResponse(bytes: Uint8Array): HealthListResponse {
  const statuses: Record<string, HealthCheckResponse> = {};
  readFields(bytes, (field, entry) => {
    if (field !== 1 || typeof entry === 'number') return;
    let service = '';
    let value: HealthCheckResponse = { status: ServingStatus.UNKNOWN };
    readFields(entry, (entryField, entryValue) => {
      if (typeof entryValue === 'number') return;
      if (entryField === 1) service = Buffer.from(entryValue).toString('utf8');
      if (entryField === 2) value = decodeHealthCheckResponse(entryValue);
    });
    statuses[service] = value;
  });
  return { statuses };
}

/** `grpc.health.v1.Health` as `@grpc/grpc-js` takes it in `Server.addService` (and `makeGenericClientConstructor`). */
export const HEALTH_SERVICE_DEFINITION = {
  Check: {
    path: '/grpc.health.v1.Health/Check',
    requestStream: false,
    responseStream: false,
    requestSerialize: encodeHealthCheckRequest,
    requestDeserialize: decodeHealthCheckRequest,
    responseSerialize: encodeHealthCheckResponse,
    responseDeserialize: decodeHealthCheckResponse,
    originalName: 'check',
  },
  Watch: {
    path: '/grpc.health.v1.Health/Watch',
    requestStream: false,
    responseStream: true,
    requestSerialize: encodeHealthCheckRequest,
    requestDeserialize: decodeHealthCheckRequest,
    responseSerialize: encodeHealthCheckResponse,
    responseDeserialize: decodeHealthCheckResponse,
    originalName: 'watch',
  },
  List: {
    path: '/grpc.health.v1.Health/List',
    requestStream: false,
    responseStream: false,
    requestSerialize: encodeHealthListRequest,
    requestDeserialize: decodeHealthListRequest,
    responseSerialize: encodeHealthListResponse,
    responseDeserialize: decodeHealthListResponse,
    originalName: 'list',
  },
} satisfies ServiceDefinition;
