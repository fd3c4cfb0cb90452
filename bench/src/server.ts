// One benchmark server per process: `node --expose-gc dist/bench/src/server.js '<ServerConfig JSON>'`, forked by the harness.
// Heap, CPU time and event-loop delay are asked over IPC, so that measuring adds no route to the app.
import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { HealthProbeServer } from 'nest-vitals';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { BareAppModule } from './apps/bare.module.js';
import { OrdersAppModule } from './apps/orders.module.js';
import { ScaleAppModule } from './apps/scale.module.js';
import { TerminusAppModule } from './apps/terminus.module.js';
import { VitalsAppModule } from './apps/vitals.module.js';
import type { HarnessMessage, ServerConfig, ServerMessage } from './server-config.js';

function send(message: ServerMessage): void {
  process.send?.(message);
}

function appModule(config: ServerConfig): DynamicModule {
  switch (config.variant) {
    case 'bare':
      return BareAppModule.register();
    case 'terminus':
      return TerminusAppModule.register(config);
    case 'vitals':
      return VitalsAppModule.register(config);
    case 'orders':
      return OrdersAppModule.register(config);
    case 'scale':
      return ScaleAppModule.register(config);
  }
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the server with --expose-gc');
  gc();
  gc();
}

const config = JSON.parse(process.argv[2] ?? '{}') as ServerConfig;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
try {
  const adapter = 'adapter' in config && config.adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(appModule(config), adapter, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  loopDelay.enable();
  process.on('message', (message: HarnessMessage) => {
    if (message.type === 'heap') {
      collectGarbage();
      send({ type: 'heap', heapUsed: process.memoryUsage().heapUsed });
    } else if (message.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      send({ type: 'cpu', micros: user + system });
    } else if (message.type === 'loop-delay') {
      send({ type: 'loop-delay', p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6 });
      loopDelay.reset();
    } else {
      void app.close().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  const server = app.getHttpServer() as { address(): { port: number } };
  const probeServer = 'probeServer' in config && config.probeServer ? app.get(HealthProbeServer, { strict: false }) : undefined;
  const ready = { type: 'ready', port: server.address().port, probePort: probeServer?.address().port } as const;
  send(ready);
  // Started by hand (no IPC), e.g. to profile with --cpu-prof: say where it listens; SIGINT writes the profile.
  if (!process.send) {
    console.log(JSON.stringify(ready));
    process.on('SIGINT', () => void app.close().finally(() => process.exit(0)));
  }
} catch (error) {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
