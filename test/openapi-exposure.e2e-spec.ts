import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { addHealthApiKeyAuth, HEALTH_API_KEY_SCHEME, HEALTH_BEARER_SCHEME, HealthIndicator, HealthIndicatorService, HealthModule } from 'nest-vitals';
import { startApp } from './support/http-app.js';
import type { OperationView, Schema } from './support/openapi-document.js';
import { validateOpenApi } from './support/openapi-validator.js';

const KEY = 'openapi-key';
const MEDIA_TYPES = ['application/json', 'application/health+json', 'text/plain', 'text/html'];

@HealthIndicator('database')
class DatabaseIndicator {
  constructor(private readonly health: HealthIndicatorService) {}
  check() {
    return this.health.check('database').up({ driver: 'postgres', responseTimeMs: 1 });
  }
}

let app: INestApplication;
let url: string;
let document: OpenAPIObject;

beforeAll(async () => {
  ({ app, url } = await startApp({
    imports: [HealthModule.forRoot({ apiKey: KEY, service: { name: 'orders', version: '1.4.2' } })],
    providers: [DatabaseIndicator],
  }));
  document = SwaggerModule.createDocument(app, addHealthApiKeyAuth(new DocumentBuilder().setTitle('exposure').setVersion('1.0')).build());
});
afterAll(async () => {
  await app.close();
});

const operation = (path: string) => document.paths[path].get! as OperationView;
const schemas = () => document.components!.schemas as Record<string, Schema>;

describe('OpenAPI: representations and security', () => {
  it('validates with the security schemes added by addHealthApiKeyAuth', async () => {
    expect(document.components!.securitySchemes).toEqual({
      [HEALTH_API_KEY_SCHEME]: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Health-Key' }),
      [HEALTH_BEARER_SCHEME]: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    await expect(validateOpenApi(document)).resolves.toEqual({ valid: true });
  });

  it('documents every representation on every route and status, JSON first', () => {
    for (const path of ['/health/live', '/health/ready', '/health/startup', '/health', '/health/checks/{name}']) {
      for (const status of ['200', '503']) {
        const mediaTypes = Object.keys(operation(path).responses[status].content);
        expect({ path, status, mediaTypes }).toEqual({ path, status, mediaTypes: MEDIA_TYPES });
      }
    }
  });

  it('gives an example per status in each representation, rendered by the formats', () => {
    const ok = operation('/health/ready').responses['200'].content;
    const unavailable = operation('/health/ready').responses['503'].content;
    expect(ok['application/health+json'].schema).toEqual({ $ref: '#/components/schemas/HealthJsonReportDto' });
    expect(
      Object.values(ok['application/health+json'].examples as Record<string, { value: { status: string } }>).map((example) => example.value.status),
    ).toEqual(['pass', 'warn', 'pass']);
    expect(
      Object.values(unavailable['application/health+json'].examples as Record<string, { value: { status: string } }>).every(
        (example) => example.value.status === 'fail',
      ),
    ).toBe(true);
    expect(ok['application/health+json'].examples.up.value).toMatchObject({
      version: '1',
      releaseId: '1.4.2',
      serviceId: 'orders',
      checks: { 'database:responseTime': [expect.objectContaining({ status: 'pass' })] },
    });
    expect(ok['text/plain'].examples.up.value).toBe('[+]database ok\nreadiness check passed\n');
    expect(unavailable['text/plain'].examples.down.value).toBe('[-]database failed: connect ECONNREFUSED 127.0.0.1:5432\nreadiness check failed\n');
    expect(unavailable['text/plain'].examples.shuttingDown.value).toBe('[-]shutting_down: received SIGTERM; draining\nreadiness check failed\n');
    expect(ok['application/json'].examples.statusOnly.value).toEqual({ status: 'UP' });
    expect(ok['text/html'].schema).toMatchObject({ type: 'string' });
    expect(ok['text/html'].example).toContain('<header class="banner s-up"');
    expect(unavailable['text/html'].example).toContain('<header class="banner s-down"');
  });

  it('documents the health+json DTOs', () => {
    expect(Object.keys(schemas().HealthJsonReportDto.properties).sort()).toEqual([
      'checks',
      'description',
      'notes',
      'output',
      'releaseId',
      'serviceId',
      'status',
      'version',
    ]);
    expect(schemas().HealthJsonReportDto.properties.checks).toMatchObject({
      type: 'object',
      additionalProperties: { type: 'array', items: { $ref: '#/components/schemas/HealthJsonCheckDto' } },
    });
    expect(schemas().HealthJsonReportDto.required).toEqual(['status']);
    expect(Object.keys(schemas().HealthJsonCheckDto.properties).sort()).toEqual([
      'affectedEndpoints',
      'componentType',
      'observedUnit',
      'observedValue',
      'output',
      'status',
      'time',
    ]);
  });

  it('marks the key as optional on the probes, required on /checks/:name, absent on liveness', () => {
    const optional = [{ [HEALTH_API_KEY_SCHEME]: [] }, { [HEALTH_BEARER_SCHEME]: [] }, {}];
    for (const path of ['/health/ready', '/health/startup', '/health']) expect(operation(path).security).toEqual(optional);
    expect(operation('/health/checks/{name}').security).toEqual([{ [HEALTH_API_KEY_SCHEME]: [] }, { [HEALTH_BEARER_SCHEME]: [] }]);
    expect(operation('/health/checks/{name}').responses['401'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/HealthErrorDto' });
    expect(operation('/health/live').security).toBeUndefined();
  });

  it('documents what the routes really send: every field of a live health+json answer is in the schema', async () => {
    const response = await fetch(`${url}/health/ready`, { headers: { Accept: 'application/health+json', 'X-Health-Key': KEY } });
    const body = (await response.json()) as Record<string, unknown> & { checks: Record<string, Record<string, unknown>[]> };
    expect(Object.keys(schemas().HealthJsonReportDto.properties)).toEqual(expect.arrayContaining(Object.keys(body)));
    for (const entry of Object.values(body.checks).flat()) {
      expect(Object.keys(schemas().HealthJsonCheckDto.properties)).toEqual(expect.arrayContaining(Object.keys(entry)));
    }
  });
});
