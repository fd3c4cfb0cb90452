import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createSampleApp } from '../apps/sample/src/main.js';
import { readSampleConfig, type SampleConfig } from '../apps/sample/src/sample.config.js';
import { httpServer } from './support/http-app.js';
import { validateOpenApi } from './support/openapi-validator.js';
import { bodyOf } from './support/report.js';
import { requireService, SERVICES } from './support/services.js';

const API_KEY = 'sample-e2e-key';

/** A note as the sample's notes API answers it. */
interface Note {
  id: number;
  title: string;
  body: string;
}

/** The parts of the Swagger document the tests read. */
interface SwaggerDocument {
  openapi: string;
  paths: Record<string, unknown>;
  components: { schemas: Record<string, unknown> };
}

/** Runs the sample app on one database, exactly as `main.ts` builds it, and exercises it over HTTP. */
function sampleAppSuite(database: 'sqlite' | 'postgres') {
  describe(`sample app on ${database}`, () => {
    let app: INestApplication;
    let sqliteDir: string | undefined;
    let config: SampleConfig;

    const http = () => request(httpServer(app));

    beforeAll(async () => {
      if (database === 'postgres') await requireService('postgres');
      sqliteDir = database === 'sqlite' ? mkdtempSync(join(tmpdir(), 'nest-vitals-sample-')) : undefined;
      config = readSampleConfig({
        PORT: '0',
        HEALTH_API_KEY: API_KEY,
        // The app runs inside jest's own process, whose heap grows over the whole suite: the memory check measures that.
        HEALTH_HEAP_DOWN_MB: '8192',
        ...(database === 'postgres' ? { DATABASE_URL: SERVICES.postgres.url } : { SQLITE_PATH: join(sqliteDir!, 'notes.sqlite') }),
      });
      app = await createSampleApp(config);
      app.useLogger(false);
      await app.listen(0, '127.0.0.1');
    });

    afterAll(async () => {
      await app?.close();
      if (sqliteDir) rmSync(sqliteDir, { recursive: true, force: true });
    });

    it('reads its config like main.ts does (port 0 here, default 3000)', () => {
      expect(config.port).toBe(0);
      expect(readSampleConfig({}).port).toBe(3000);
      expect(database === 'sqlite' ? config.databaseUrl : config.sqlitePath).toBe(database === 'sqlite' ? undefined : 'sample.sqlite');
    });

    it('answers /health/live with {"status":"UP"} only', async () => {
      const response = await http().get('/health/live').expect(200).expect('Cache-Control', 'no-store');
      expect(response.body).toEqual({ status: 'UP' });
    });

    it('answers /health/ready 200 with its own notes-store indicator in the details', async () => {
      const response = await http().get('/health/ready').set('X-Health-Key', API_KEY).expect(200).expect('Cache-Control', 'no-store');
      expect(['UP', 'DEGRADED']).toContain(bodyOf(response).status);
      expect(bodyOf(response).details['notes-store']).toMatchObject({ status: 'UP', critical: false, data: { notes: expect.any(Number) } });
    });

    it('answers /health with every check and the service info', async () => {
      const response = await http().get('/health').set('X-Health-Key', API_KEY).expect(200);
      expect(bodyOf(response).details['notes-store'].status).toBe('UP');
      expect(bodyOf(response).serviceInfo).toMatchObject({ name: 'nest-vitals-sample', uptimeSeconds: expect.any(Number) });
    });

    it('serves Swagger UI at /docs, documenting the notes API and the Health routes', async () => {
      const ui = await http().get('/docs').redirects(1).expect(200);
      expect(ui.headers['content-type']).toMatch(/text\/html/);
      expect(ui.text).toContain('swagger-ui');
      const document = bodyOf<SwaggerDocument>(await http().get('/docs-json').expect(200));
      expect(document.openapi).toMatch(/^3\./);
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining(['/notes', '/notes/{id}', '/health/live', '/health/ready', '/health/startup', '/health']),
      );
      expect(Object.keys(document.components.schemas)).toEqual(
        expect.arrayContaining(['HealthReportDto', 'HealthCheckResultDto', 'ServiceInfoDto', 'NoteDto']),
      );
      await expect(validateOpenApi(document)).resolves.toEqual({ valid: true });
    });

    it('creates, lists and reads notes, stored in the real database', async () => {
      const title = `note ${database} ${Date.now()}`;
      const created = await http().post('/notes').send({ title, body: 'through supertest' }).expect(201);
      expect(created.body).toMatchObject({ id: expect.any(Number), title, body: 'through supertest' });

      const { id } = bodyOf<Note>(created);

      const list = bodyOf<Note[]>(await http().get('/notes').expect(200));
      expect(list.map((note) => note.id)).toContain(id);

      const one = await http().get(`/notes/${id}`).expect(200);
      expect(one.body).toMatchObject({ id, title });

      const ready = await http().get('/health/ready').set('X-Health-Key', API_KEY).expect(200);
      expect(bodyOf(ready).details['notes-store'].data!.notes).toBeGreaterThanOrEqual(list.length);

      if (database === 'sqlite') expect(statSync(join(sqliteDir!, 'notes.sqlite')).size).toBeGreaterThan(0);
    });

    it('answers 404 for a missing note and 400 for an invalid one', async () => {
      await http().get('/notes/987654321').expect(404);
      await http().get('/notes/not-a-number').expect(400);
      await http().post('/notes').send({ title: '' }).expect(400);
      await http().post('/notes').send({ body: 'no title' }).expect(400);
    });
  });
}

sampleAppSuite('sqlite');
sampleAppSuite('postgres');
