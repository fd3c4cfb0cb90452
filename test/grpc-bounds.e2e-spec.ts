import { afterEach, describe, expect, it } from '@jest/globals';
import { credentials, makeGenericClientConstructor, status as GrpcStatus, type StatusObject } from '@grpc/grpc-js';
import type { INestApplication } from '@nestjs/common';
import { HealthModule } from 'nest-vitals';
import { decodeHealthCheckResponse, encodeHealthCheckRequest, HEALTH_SERVICE_DEFINITION } from '../libs/health/src/grpc/grpc-health.codec.js';
import { GrpcHealthClient, type WatchRecording } from './support/grpc-health-client.js';
import { allocatePort } from './support/ports.js';
import { startNode, waitForOutput, type RunningProcess } from './support/processes.js';
import { eventually } from './support/report.js';
import { startApp } from './support/http-app.js';

const FIXTURE = 'test/fixtures/grpc-bounds-app.mjs';
const MB = 1024 * 1024;

const apps: INestApplication[] = [];
const clients: GrpcHealthClient[] = [];
const processes: RunningProcess[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(apps.splice(0).map((app) => app.close()));
  await Promise.all(processes.splice(0).map((proc) => proc.stop()));
});

async function grpcApp(options: { maxWatchStreams?: number } = {}): Promise<GrpcHealthClient> {
  const port = await allocatePort();
  const { app } = await startApp({ imports: [HealthModule.forRoot({ grpc: { port, host: '127.0.0.1', ...options } })] });
  apps.push(app);
  const client = new GrpcHealthClient(port);
  clients.push(client);
  return client;
}

/** Waits until a Watch call has its first message or has ended. */
function settled(recording: WatchRecording) {
  return eventually(
    () => Promise.resolve(recording),
    (current) => current.statuses.length > 0 || current.ended !== undefined,
    10_000,
    10,
  );
}

describe('gRPC health input is bounded', () => {
  it('a service name over 1 KiB is INVALID_ARGUMENT on Check and Watch; 1 KiB exactly is an ordinary name', async () => {
    const client = await grpcApp();
    expect(await client.check('x'.repeat(1025))).toEqual({
      code: GrpcStatus.INVALID_ARGUMENT,
      details: 'service name of 1025 bytes; at most 1024 bytes are accepted',
    });
    expect(await client.check('é'.repeat(513))).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
    expect(await client.check('x'.repeat(1024))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    const watch = client.watch('x'.repeat(4096));
    await settled(watch);
    expect(watch).toMatchObject({ statuses: [], ended: { code: GrpcStatus.INVALID_ARGUMENT } });
    // A request message over 8 KiB is refused by gRPC from its length prefix, unread.
    expect(await client.check('x'.repeat(MB))).toMatchObject({ code: GrpcStatus.RESOURCE_EXHAUSTED });
    expect(await client.check('')).toEqual({ status: 'SERVING' });
  });

  it('one Watch stream more than grpc.maxWatchStreams is RESOURCE_EXHAUSTED; a closed stream frees its place', async () => {
    const client = await grpcApp({ maxWatchStreams: 3 });
    const open = ['', 'readiness', 'liveness'].map((service) => client.watch(service));
    for (const recording of open) await settled(recording);
    expect(open.map((recording) => recording.statuses[0])).toEqual(['SERVING', 'SERVING', 'SERVING']);
    const refused = client.watch('');
    await settled(refused);
    expect(refused.ended).toEqual({
      code: GrpcStatus.RESOURCE_EXHAUSTED,
      details: '3 Watch streams are open, the most this server keeps (grpc.maxWatchStreams); use Check, or retry later',
    });
    // Check is not capped.
    expect(await client.check('readiness')).toEqual({ status: 'SERVING' });
    open[0].cancel();
    const again = await eventually(
      async () => {
        const recording = client.watch('');
        await settled(recording);
        if (recording.ended === undefined) return recording;
        return undefined;
      },
      (recording) => recording !== undefined,
      5000,
    );
    expect(again!.statuses).toEqual(['SERVING']);
  });

  it('2,000 Watch streams with 1 MB names are refused, each read no further than its HTTP/2 window, and leave nothing behind (a real process)', async () => {
    const [grpcPort, rssPort] = [await allocatePort(), await allocatePort()];
    const proc = startNode(['--expose-gc', FIXTURE], { GRPC_PORT: String(grpcPort), RSS_PORT: String(rssPort) });
    processes.push(proc);
    await waitForOutput(proc, /ready/);
    type Memory = { rss: number; peak: number; read: number; retained: number };
    const memory = async (path = '/') => (await (await fetch(`http://127.0.0.1:${rssPort}${path}`)).json()) as Memory;
    // A client that sends one pre-encoded 1 MB request again and again (encoding it 2,000 times would cost the test, not the server).
    const request = encodeHealthCheckRequest({ service: 'x'.repeat(MB) });
    const Client = makeGenericClientConstructor(
      { ...HEALTH_SERVICE_DEFINITION, Watch: { ...HEALTH_SERVICE_DEFINITION.Watch, requestSerialize: () => request } },
      'Health',
    );
    const client = new Client(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
    const watch = () =>
      new Promise<number>((resolve) => {
        const call = client.makeServerStreamRequest(HEALTH_SERVICE_DEFINITION.Watch.path, () => request, decodeHealthCheckResponse, {});
        call.on('data', () => call.cancel());
        call.on('error', () => undefined);
        call.on('status', (status: StatusObject) => resolve(status.code));
      });
    const storm = async (count: number) => {
      const codes: Record<number, number> = {};
      for (let batch = 0; batch < count / 50; batch++)
        for (const code of await Promise.all(Array.from({ length: 50 }, watch))) codes[code] = (codes[code] ?? 0) + 1;
      return codes;
    };
    try {
      // The first storm grows the process to its working set (socket buffers, allocator arenas, the young generation).
      await storm(500);
      const before = await memory('/reset-peak');
      const codes = await storm(2000);
      const after = await memory();
      // Messages over 8 KiB are refused from their length prefix.
      expect(codes).toEqual({ [GrpcStatus.RESOURCE_EXHAUSTED]: 2000 });
      const readPerCall = (after.read - before.read) / 2000;
      process.stderr.write(
        `gRPC 2,000 x 1 MB Watch: read ${Math.round(readPerCall / 1024)} KiB per call; RSS ${Math.round(before.rss / MB)} MB before, ` +
          `peak ${Math.round(after.peak / MB)} MB; held after a collection ${Math.round(before.retained / MB)} -> ${Math.round(after.retained / MB)} MB\n`,
      );
      // Each refused stream is reset once its answer is out, so the server reads what was in flight (one HTTP/2 stream
      // window of 64 KiB, about), not the 1 MB the client sends: 2 GB in all without the reset.
      expect(readPerCall).toBeLessThan(128 * 1024);
      // Nothing is kept per call.
      expect((after.retained - before.retained) / MB).toBeLessThan(5);
      // The peak is garbage awaiting V8's next collection: it collects when 64 MB of buffers are unreachable, and Node
      // 24 may double its young generation to 64 MB under this load. Never the 2,000 MB sent, nor a share of it per call.
      expect((after.peak - before.rss) / MB).toBeLessThan(100);
      const check = new GrpcHealthClient(grpcPort);
      clients.push(check);
      expect(await check.check('')).toEqual({ status: 'SERVING' });
    } finally {
      client.close();
    }
  }, 120_000);
});
