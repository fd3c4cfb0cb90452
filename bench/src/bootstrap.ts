// Bootstrap time of one app, in a fresh process:
//   node [--import ./hide-swagger.js] dist/bootstrap.js with|without used|unused|absent '<BootstrapConfig JSON>'
// `used`: the app uses @nestjs/swagger (imports it up front, as its main.ts would); `unused`: installed, not imported by
// the app; `absent`: not installed (run with --import ./hide-swagger.js, which makes it unresolvable).
// Prints one JSON line: NestFactory.create + init, and the time since the process started (imports included).
import 'reflect-metadata';
import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { performance } from 'node:perf_hooks';

export interface BootstrapConfig {
  databaseUrl: string;
  redisUrl: string;
  httpUrl: string;
}

@Controller('notes')
class NotesController {
  @Get()
  list(): string[] {
    return [];
  }
}

const withHealth = process.argv[2] === 'with';
const swagger = process.argv[3] as 'used' | 'unused' | 'unused-openapi-off' | 'absent';
const config = JSON.parse(process.argv[4] ?? '{}') as BootstrapConfig;
if (swagger === 'used') await import('@nestjs/swagger');
const imports: DynamicModule[] = [TypeOrmModule.forRoot({ type: 'postgres', url: config.databaseUrl, entities: [], synchronize: false, retryAttempts: 1 })];
const importedAt = performance.now();
if (withHealth) {
  // Imported here so that the app without HealthModule does not pay for loading it either.
  const { HealthModule } = await import('nest-vitals');
  imports.push(
    HealthModule.forRoot({
      database: true,
      redis: { url: config.redisUrl },
      http: { dependency: { url: config.httpUrl } },
      disk: { path: '/' },
      memory: { heapUsedMb: { warn: 512, down: 1024 } },
      eventLoop: true,
      ...(swagger === 'unused-openapi-off' && { openapi: false }),
    }),
  );
}

@Module({ imports, controllers: [NotesController] })
class AppModule {}

const started = performance.now();
const app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: ['error'] });
await app.init();
const finished = performance.now();
process.stdout.write(
  `${JSON.stringify({ withHealth, createInitMs: finished - started, importHealthMs: started - importedAt, sinceProcessStartMs: finished })}\n`,
);
await app.close();
process.exit(0);
