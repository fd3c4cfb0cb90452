import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocatePort } from './ports.js';
import { ServerProcess } from './server-process.js';

/** The shared NATS server with JetStream (never stopped by a test). */
export const SHARED_NATS = { host: '127.0.0.1', port: 4222, url: 'nats://127.0.0.1:4222' } as const;

/** What the monitoring endpoint `/connz` says about one client connection. */
export interface NatsConnection {
  cid: number;
  name?: string;
  ip: string;
  port: number;
}

/**
 * A `nats-server` of the test's own with JetStream (`-js`, its store in a temp folder) on an allocated client port,
 * and an HTTP monitoring port so a test can count connections on `/connz`. Stop, freeze and restart it at will.
 */
export class NatsServerProcess {
  private storeDir?: string;
  private readonly process: ServerProcess;

  private constructor(
    readonly port: number,
    readonly monitorPort: number,
    private readonly extraArgs: string[],
  ) {
    this.process = new ServerProcess(
      'nats-server',
      'nats-server',
      () => ['-a', '127.0.0.1', '-p', String(this.port), '-m', String(this.monitorPort), '-js', '-sd', this.storeDir!, ...this.extraArgs],
      () => this.healthy(),
      port,
    );
  }

  /** A server on two freshly allocated ports; `extraArgs` e.g. `['--auth', token]` for a token-protected one. Not started yet. */
  static async create(extraArgs: string[] = []): Promise<NatsServerProcess> {
    return new NatsServerProcess(await allocatePort(), await allocatePort(), extraArgs);
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts the server (JetStream state kept across restarts) and waits until `/healthz` says ok. */
  async start(): Promise<void> {
    this.storeDir ??= await mkdtemp(join(tmpdir(), 'nest-vitals-nats-'));
    await this.process.start();
  }

  /** Kills the server as a crash would; JetStream's store stays for the next start. */
  stop(): Promise<void> {
    return this.process.stop();
  }

  /** SIGSTOP: connections stay open, nothing is answered (the monitoring port freezes too). */
  pause(): Promise<void> {
    return this.process.pause();
  }

  resume(): void {
    this.process.resume();
  }

  /** Stops the server and removes its JetStream store. */
  async remove(): Promise<void> {
    await this.process.stop();
    if (this.storeDir) await rm(this.storeDir, { recursive: true, force: true });
    this.storeDir = undefined;
  }

  /** The client connections the server holds now (from `/connz`; its own monitoring requests are not among them). */
  async connections(): Promise<NatsConnection[]> {
    const response = await fetch(`http://127.0.0.1:${this.monitorPort}/connz?limit=1024`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) throw new Error(`nats-server /connz answered ${response.status}`);
    const body = (await response.json()) as { connections?: NatsConnection[] | null };
    return body.connections ?? [];
  }

  private async healthy(): Promise<boolean> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.monitorPort}/healthz?js-enabled-only=true`, { signal: AbortSignal.timeout(500) });
      return response.ok;
    } catch {
      return false;
    }
  }

  get log(): string {
    return this.process.log;
  }
}
