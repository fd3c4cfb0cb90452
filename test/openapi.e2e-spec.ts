import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { HealthIndicator, HealthModule } from 'nest-vitals';
import { HEALTH_CHECK_RESULT_PROPERTIES } from '../libs/health/src/dto/health-check-result.dto.js';
import { HEALTH_REPORT_PROPERTIES, LIVENESS_REPORT_PROPERTIES } from '../libs/health/src/dto/health-report.dto.js';
import { SERVICE_INFO_PROPERTIES } from '../libs/health/src/dto/service-info.dto.js';
import { startApp } from './support/http-app.js';
import type { Schema } from './support/openapi-document.js';
import { validateOpenApi } from './support/openapi-validator.js';

/** The report an example shows. */
interface ExampleReport {
  status: string;
  details: Record<string, unknown>;
}

@HealthIndicator('documented')
class DocumentedIndicator {
  check() {
    return { documented: { status: 'up' } };
  }
}

@Module({ providers: [DocumentedIndicator] })
class FeatureModule {}

const ROUTES = ['/health/live', '/health/ready', '/health/startup', '/health', '/health/checks/{name}'];
const STATUSES = ['UP', 'DEGRADED', 'DOWN', 'STARTING', 'SHUTTING_DOWN'];

let app: INestApplication;
let document: OpenAPIObject;

beforeAll(async () => {
  ({ app } = await startApp({ imports: [FeatureModule, HealthModule.forRoot({ details: 'always' })] }));
  document = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('openapi e2e').setVersion('1.0').build());
});
afterAll(async () => {
  await app.close();
});

const schemas = () => document.components!.schemas as Record<string, Schema>;

/** Follows a `$ref` (or an allOf of one `$ref`) to the component schema. */
function resolve(schema: Schema): Schema {
  const ref: string | undefined = schema.$ref ?? schema.allOf?.[0]?.$ref;
  return ref ? schemas()[ref.replace('#/components/schemas/', '')] : schema;
}

function jsonResponse(path: string, status: '200' | '503' | '404') {
  return document.paths[path].get!.responses[status] as {
    description: string;
    content: { 'application/json': { schema: Schema; example?: unknown; examples?: Record<string, { value: ExampleReport }> } };
  };
}

describe('OpenAPI document', () => {
  it('validates as OpenAPI 3', async () => {
    expect(document.openapi).toMatch(/^3\./);
    await expect(validateOpenApi(document)).resolves.toEqual({ valid: true });
  });

  it('is checked by a validator that does reject an invalid document', async () => {
    const broken = structuredClone(document);
    const ok = broken.paths['/health/ready'].get!.responses['200'] as { content: Record<string, { schema: unknown }> };
    ok.content['application/json'].schema = { $ref: '#/components/schemas/NoSuchDto' };
    await expect(validateOpenApi(broken)).resolves.toEqual({ valid: false, error: expect.stringContaining('NoSuchDto') });
  });

  it('contains the named DTO schemas', () => {
    expect(Object.keys(schemas())).toEqual(
      expect.arrayContaining(['HealthReportDto', 'HealthCheckResultDto', 'ServiceInfoDto', 'LivenessReportDto', 'HealthErrorDto']),
    );
  });

  it.each([
    ['HealthReportDto', HEALTH_REPORT_PROPERTIES],
    ['HealthCheckResultDto', HEALTH_CHECK_RESULT_PROPERTIES],
    ['ServiceInfoDto', SERVICE_INFO_PROPERTIES],
    ['LivenessReportDto', LIVENESS_REPORT_PROPERTIES],
  ])('%s documents every field with a type, a description and, for values, an example', (name, properties) => {
    const schema = schemas()[name];
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(properties).sort());
    for (const [field, property] of Object.entries(schema.properties)) {
      const resolved = resolve(property);
      expect({ field, typed: Boolean(resolved.type ?? resolved.enum) }).toEqual({ field, typed: true });
      expect({ field, description: property.description }).toEqual({ field, description: expect.any(String) });
      const isContainer = resolved.type === 'object' || resolved.type === 'array';
      if (!isContainer) expect({ field, example: property.example ?? resolved.example }).toEqual({ field, example: expect.anything() });
    }
    const required = Object.entries(properties)
      .filter(([, property]) => typeof property === 'function' || property.required !== false)
      .filter(([, property]) => (typeof property === 'function' ? property(() => '').required !== false : true))
      .map(([field]) => field)
      .sort();
    expect([...(schema.required ?? [])].sort()).toEqual(required);
  });

  it('documents statuses as enums: UP, DEGRADED, DOWN per check; plus STARTING, SHUTTING_DOWN per report', () => {
    expect(resolve(schemas().HealthCheckResultDto.properties.status).enum).toEqual(['UP', 'DEGRADED', 'DOWN']);
    expect(resolve(schemas().HealthReportDto.properties.status).enum).toEqual(STATUSES);
    expect(resolve(schemas().LivenessReportDto.properties.status).enum).toEqual(STATUSES);
  });

  it('documents details as a map of HealthCheckResultDto and serviceInfo as ServiceInfoDto', () => {
    const report = schemas().HealthReportDto;
    expect(report.properties.details).toMatchObject({ type: 'object', additionalProperties: { $ref: '#/components/schemas/HealthCheckResultDto' } });
    expect(resolve(report.properties.serviceInfo)).toBe(schemas().ServiceInfoDto);
  });

  it('documents 200 and 503 on every route, under the Health tag', () => {
    for (const path of ROUTES) {
      const operation = document.paths[path]?.get;
      expect({ path, documented: Boolean(operation) }).toEqual({ path, documented: true });
      expect(operation!.tags).toEqual(['Health']);
      expect(Object.keys(operation!.responses)).toEqual(expect.arrayContaining(['200', '503']));
      expect(operation!.summary).toEqual(expect.any(String));
    }
  });

  it('answers the probes and the report with HealthReportDto, liveness with LivenessReportDto, one check with HealthCheckResultDto', () => {
    for (const path of ['/health/ready', '/health/startup', '/health']) {
      for (const status of ['200', '503'] as const) {
        expect(jsonResponse(path, status).content['application/json'].schema).toEqual({ $ref: '#/components/schemas/HealthReportDto' });
      }
    }
    for (const status of ['200', '503'] as const) {
      expect(jsonResponse('/health/live', status).content['application/json'].schema).toEqual({ $ref: '#/components/schemas/LivenessReportDto' });
      expect(jsonResponse('/health/checks/{name}', status).content['application/json'].schema).toEqual({ $ref: '#/components/schemas/HealthCheckResultDto' });
    }
    expect(jsonResponse('/health/checks/{name}', '404').content['application/json'].schema).toEqual({ $ref: '#/components/schemas/HealthErrorDto' });
  });

  it('gives examples for UP and DEGRADED (200) and DOWN (503), each matching its status', () => {
    const ok = jsonResponse('/health/ready', '200').content['application/json'].examples!;
    const unavailable = jsonResponse('/health/ready', '503').content['application/json'].examples!;
    expect(ok.up.value.status).toBe('UP');
    expect(ok.degraded.value.status).toBe('DEGRADED');
    expect(unavailable.down.value.status).toBe('DOWN');
    expect(Object.values(ok).map((example) => example.value.status)).toEqual(expect.arrayContaining(['UP', 'DEGRADED']));
    expect(Object.values(unavailable).every((example) => ['DOWN', 'STARTING', 'SHUTTING_DOWN'].includes(example.value.status))).toBe(true);
    expect(jsonResponse('/health', '503').content['application/json'].examples!.down.value.status).toBe('DOWN');
    expect(ok.degraded.value.details.payments).toMatchObject({ status: 'DOWN', critical: false });
  });

  it('documents the exclude query and the name parameter', () => {
    for (const path of ['/health/ready', '/health/startup', '/health']) {
      expect(document.paths[path].get!.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'exclude', in: 'query', required: false })]),
      );
    }
    expect(document.paths['/health/checks/{name}'].get!.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'name', in: 'path', required: true })]),
    );
  });

  it('documents the routes under a custom path as well', async () => {
    const { app: other } = await startApp({ imports: [HealthModule.forRoot({ path: 'ops/vitals', details: 'always' })] });
    try {
      const otherDocument = SwaggerModule.createDocument(other, new DocumentBuilder().build());
      expect(Object.keys(otherDocument.paths)).toEqual(expect.arrayContaining(['/ops/vitals/live', '/ops/vitals/ready', '/ops/vitals']));
      await expect(validateOpenApi(otherDocument)).resolves.toEqual({ valid: true });
    } finally {
      await other.close();
    }
  });
});
