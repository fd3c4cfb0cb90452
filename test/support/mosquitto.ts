import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocatePort } from './ports.js';
import { portAccepts, ServerProcess } from './server-process.js';

/** The shared Mosquitto (never stopped by a test). */
export const SHARED_MQTT = { host: '127.0.0.1', port: 1883, url: 'mqtt://127.0.0.1:1883' } as const;

/**
 * A `mosquitto` of the test's own on an allocated port, from a temp config (one loopback listener, anonymous
 * clients, no persistence). Stop, freeze, restart at will.
 */
export class MosquittoProcess {
  private configDir?: string;
  private readonly process: ServerProcess;

  private constructor(
    readonly port: number,
    private readonly extraConfig: string[],
  ) {
    this.process = new ServerProcess(
      'mosquitto',
      'mosquitto',
      () => ['-c', join(this.configDir!, 'mosquitto.conf')],
      () => portAccepts(this.port),
      port,
    );
  }

  /** A broker on a freshly allocated port; `extraConfig` lines are appended to its config. Not started yet. */
  static async create(extraConfig: string[] = []): Promise<MosquittoProcess> {
    return new MosquittoProcess(await allocatePort(), extraConfig);
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.configDir) {
      this.configDir = await mkdtemp(join(tmpdir(), 'nest-vitals-mosquitto-'));
      const config = [`listener ${this.port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stderr', ...this.extraConfig];
      await writeFile(join(this.configDir, 'mosquitto.conf'), `${config.join('\n')}\n`);
    }
    await this.process.start();
  }

  /** Kills the broker as a crash would. */
  stop(): Promise<void> {
    return this.process.stop();
  }

  /** SIGSTOP: connections stay open, nothing is answered. */
  pause(): Promise<void> {
    return this.process.pause();
  }

  resume(): void {
    this.process.resume();
  }

  async remove(): Promise<void> {
    await this.process.stop();
    if (this.configDir) await rm(this.configDir, { recursive: true, force: true });
    this.configDir = undefined;
  }

  /**
   * The client connections the broker holds now: established TCP connections whose local end is the broker's port,
   * read from `/proc/net/tcp` (immediate and exact, unlike `$SYS/broker/clients/connected`, which lags a tick and
   * would count the reader itself).
   */
  async connectedClients(): Promise<number> {
    const portHex = this.port.toString(16).toUpperCase().padStart(4, '0');
    const table = await readFile('/proc/net/tcp', 'utf8');
    return table
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter(([, local, , state]) => local === `0100007F:${portHex}` && state === '01').length;
  }

  get log(): string {
    return this.process.log;
  }
}
