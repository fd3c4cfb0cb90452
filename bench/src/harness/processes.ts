import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { HarnessMessage, ServerConfig, ServerMessage } from '../server-config.js';

/** The compiled `bench/src` folder (`bench/dist/bench/src`). */
export const BENCH_DIST = join(dirname(fileURLToPath(import.meta.url)), '..');

const children = new Set<ChildProcess>();

/** Kills every child process the harness started (servers, redis-server), e.g. on exit or Ctrl-C. */
export function stopChildren(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

/** Follows a child so that it does not outlive the harness. */
export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

process.on('exit', stopChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopChildren();
    process.exit(130);
  });
}

/** A benchmark server (`server.ts`) in a process of its own. */
export interface BenchServer {
  name: string;
  url: string;
  /** The probe server's URL, when the server runs one (`probeServer`). */
  probeUrl?: string;
  pid: number;
  /** CPU time (user + system) the server process has used, in µs. */
  cpuMicros(): Promise<number>;
  /** Heap used after two full GCs, in bytes. */
  heapUsed(): Promise<number>;
  /** Event-loop delay inside the server since the last call (`monitorEventLoopDelay`, 10 ms resolution). */
  loopDelay(): Promise<{ p99Ms: number; maxMs: number }>;
  stop(): Promise<void>;
}

type Reply<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

function nextMessage<T extends ServerMessage['type']>(child: ChildProcess, type: T, timeoutMs: number): Promise<Reply<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no "${type}" message within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: ServerMessage) => {
      if (message.type === type) finish(undefined, message as Reply<T>);
      else if (message.type === 'error') finish(new Error(message.message));
    };
    const onExit = (code: number | null) => finish(new Error(`server exited with ${code} before sending "${type}"`));
    function finish(error?: Error, message?: Reply<T>): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message!);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Forks `server.js` with `config` and waits until it listens. */
export async function startServer(name: string, config: ServerConfig): Promise<BenchServer> {
  const child = fork(join(BENCH_DIST, 'server.js'), [JSON.stringify(config)], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  trackChild(child);
  let port: number;
  let probePort: number | undefined;
  try {
    ({ port, probePort } = await nextMessage(child, 'ready', 60_000));
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`server "${name}" did not start: ${(error as Error).message}`, { cause: error });
  }
  const ask = <T extends HarnessMessage['type'] & ServerMessage['type']>(type: T, timeoutMs: number): Promise<Reply<T>> => {
    const reply = nextMessage(child, type, timeoutMs);
    child.send({ type });
    return reply;
  };
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    probeUrl: probePort === undefined ? undefined : `http://127.0.0.1:${probePort}`,
    pid: child.pid!,
    cpuMicros: async () => (await ask('cpu', 10_000)).micros,
    heapUsed: async () => (await ask('heap', 30_000)).heapUsed,
    loopDelay: async () => {
      const { p99Ms, maxMs } = await ask('loop-delay', 10_000);
      return { p99Ms, maxMs };
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.send({ type: 'stop' } satisfies HarnessMessage);
      await Promise.race([exited, sleep(5000)]);
      child.kill('SIGKILL');
    },
  };
}
