import type { INestApplication, LoggerService, ModuleMetadata } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';

export type AdapterName = 'express' | 'fastify';
export const ADAPTERS: AdapterName[] = ['express', 'fastify'];

/**
 * Boots a real Nest app around the given module metadata, listening on an ephemeral loopback
 * port. Returns the app and its base URL; close it with `app.close()`.
 */
export async function startApp(
  metadata: ModuleMetadata,
  {
    adapter = 'express',
    logger = false,
    prepare,
  }: {
    adapter?: AdapterName;
    logger?: false | ('log' | 'warn' | 'error' | 'debug' | 'verbose')[] | LoggerService;
    /** Configures the app (versioning, prefix, Fastify plugins...) before it listens. */
    prepare?: (app: INestApplication) => unknown;
  } = {},
): Promise<{ app: INestApplication; url: string }> {
  @Module(metadata)
  class TestAppModule {}
  const app = await NestFactory.create(TestAppModule, adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(), {
    logger,
    abortOnError: false,
  });
  await prepare?.(app);
  await app.listen(0, '127.0.0.1');
  const address = httpServer(app).address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${address.port}` };
}

/** The app's Node HTTP server, typed (Nest types it `any`), for supertest's `request(...)`. */
export function httpServer(app: INestApplication): Server {
  return app.getHttpServer() as Server;
}

/** Like `startApp` but expects bootstrap to fail; returns the error. */
export async function bootstrapError(metadata: ModuleMetadata): Promise<Error> {
  @Module(metadata)
  class FailingAppModule {}
  try {
    const app = await NestFactory.create(FailingAppModule, { logger: false, abortOnError: false });
    await app.init();
    await app.close();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected bootstrap to fail, but it succeeded');
}
