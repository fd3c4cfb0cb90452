import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Controller, type INestApplication } from '@nestjs/common';
import { GrpcMethod, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { DependsOn, HealthModule } from 'nest-vitals';
import { startApp } from './support/http-app.js';
import { scriptedIndicator } from './support/indicators.js';
import { allocatePort } from './support/ports.js';
import { eventually } from './support/report.js';

const PROTO = 'test/fixtures/grpc/orders.proto';
const KEY = 'route-aware-grpc-key';

interface OrdersStub extends grpc.Client {
  Create(request: { item: string }, callback: (error: grpc.ServiceError | null, reply?: { id: string }) => void): void;
  List(request: Record<string, never>, callback: (error: grpc.ServiceError | null, reply?: { id: string }) => void): void;
}

type Answer = { id: string } | { code: grpc.status; details: string };

function call(stub: OrdersStub, method: 'Create' | 'List'): Promise<Answer> {
  return new Promise((resolve) => {
    const done = (error: grpc.ServiceError | null, reply?: { id: string }) => resolve(error ? { code: error.code, details: error.details } : { id: reply!.id });
    if (method === 'Create') stub.Create({ item: 'book' }, done);
    else stub.List({}, done);
  });
}

/** A hybrid app (HTTP + the app's own Nest gRPC microservice) whose gRPC handler carries @DependsOn. */
describe('@DependsOn on a gRPC handler of a Nest gRPC microservice', () => {
  const payments = scriptedIndicator('payments', { probes: [], refreshIntervalMs: 200 });
  const calls = { create: 0 };

  @Controller()
  class OrdersGrpcController {
    @GrpcMethod('Orders', 'Create')
    @DependsOn('payments')
    create() {
      calls.create++;
      return { id: `order-${calls.create}` };
    }

    @GrpcMethod('Orders', 'List')
    list() {
      return { id: 'list' };
    }
  }

  let app: INestApplication;
  let url: string;
  let stub: OrdersStub;

  beforeAll(async () => {
    const port = await allocatePort();
    ({ app, url } = await startApp(
      { imports: [HealthModule.forRoot({ apiKey: KEY, dependsOn: { failFast: true } })], controllers: [OrdersGrpcController], providers: [payments] },
      {
        prepare: async (created) => {
          created.connectMicroservice<MicroserviceOptions>({
            transport: Transport.GRPC,
            options: { package: 'orders', protoPath: PROTO, url: `127.0.0.1:${port}` },
          });
          await created.startAllMicroservices();
        },
      },
    ));
    const definition = loadSync(PROTO, { keepCase: true, defaults: true });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      orders: { Orders: new (address: string, credentials: grpc.ChannelCredentials) => OrdersStub };
    };
    stub = new loaded.orders.Orders(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  afterAll(async () => {
    stub?.close();
    await app?.close();
  });

  it('lists the handler in the route map as GRPC Service/Method', async () => {
    const response = await fetch(`${url}/health`, { headers: { 'x-health-key': KEY } });
    const report = (await response.json()) as { details: Record<string, { routes?: unknown }> };
    expect(report.details.payments.routes).toEqual([{ method: 'GRPC', path: 'Orders/Create', failFast: true }]);
  });

  it('answers UNAVAILABLE without running the handler while the check is DOWN, and serves again once it is back', async () => {
    payments.answer = 'up';
    await eventually(
      () => call(stub, 'Create'),
      (answer) => 'id' in answer,
    );
    payments.answer = 'down';
    const refused = await eventually(
      () => call(stub, 'Create'),
      (answer) => 'code' in answer,
    );
    const before = calls.create;
    expect(refused).toEqual({ code: grpc.status.UNAVAILABLE, details: 'GRPC Orders/Create depends on "payments", which is DOWN; retry after 1 s' });
    expect(await call(stub, 'Create')).toMatchObject({ code: grpc.status.UNAVAILABLE });
    expect(calls.create).toBe(before);
    expect(await call(stub, 'List')).toEqual({ id: 'list' });

    payments.answer = 'up';
    await eventually(
      () => call(stub, 'Create'),
      (answer) => 'id' in answer,
    );
  });
});
