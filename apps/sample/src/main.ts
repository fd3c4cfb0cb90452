import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { addHealthApiKeyAuth } from 'nest-vitals';
import { AppModule } from './app.module.js';
import { readSampleConfig, type SampleConfig } from './sample.config.js';
import type { INestApplication } from '@nestjs/common';

/** Builds the sample app with Swagger UI at /docs; `main` and the e2e tests share it. */
export async function createSampleApp(config: SampleConfig = readSampleConfig()): Promise<INestApplication> {
  const options = { logger: ['log', 'warn', 'error'] as ('log' | 'warn' | 'error')[] };
  const app =
    config.httpAdapter === 'fastify'
      ? await NestFactory.create(AppModule.register(config), new (await import('@nestjs/platform-fastify')).FastifyAdapter(), options)
      : await NestFactory.create(AppModule.register(config), options);
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    addHealthApiKeyAuth(
      new DocumentBuilder().setTitle('nest-vitals sample').setDescription('Notes API with nest-vitals health checks').setVersion('1.0'),
    ).build(),
  );
  // Swagger UI's assets need @fastify/static under Fastify; the document itself (/docs-json) is served either way.
  SwaggerModule.setup('docs', app, document, { ui: config.httpAdapter !== 'fastify' });
  return app;
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isEntryPoint) {
  const config = readSampleConfig();
  const app = await createSampleApp(config);
  await app.listen(config.port);
  const health = config.healthPort === undefined ? '/health' : `http://localhost:${config.healthPort}/health`;
  console.log(`nest-vitals sample listening on http://localhost:${config.port} (health: ${health}, docs: /docs)`);
}
