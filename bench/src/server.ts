// One benchmark server per process: `node --expose-gc dist/server.js '<ServerConfig JSON>'`, forked by the harness.
import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { BareAppModule } from './apps/bare.module.js';
import { TerminusAppModule } from './apps/terminus.module.js';
import { VitalsAppModule } from './apps/vitals.module.js';
import type { HarnessMessage, ServerConfig, ServerMessage } from './server-config.js';

function send(message: ServerMessage): void {
  process.send?.(message);
}

function appModule(config: ServerConfig): DynamicModule {
  if (config.variant === 'bare') return BareAppModule.register();
  if (config.variant === 'terminus') return TerminusAppModule.register(config);
  return VitalsAppModule.register(config);
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the server with --expose-gc');
  gc();
  gc();
}

const config = JSON.parse(process.argv[2] ?? '{}') as ServerConfig;
try {
  const app = await NestFactory.create(appModule(config), new ExpressAdapter(), { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  process.on('message', (message: HarnessMessage) => {
    if (message.type === 'heap') {
      collectGarbage();
      send({ type: 'heap', heapUsed: process.memoryUsage().heapUsed });
    } else if (message.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      send({ type: 'cpu', micros: user + system });
    } else if (message.type === 'stop') {
      void app.close().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port: (app.getHttpServer().address() as { port: number }).port });
} catch (error) {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
