import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { allocatePort } from './ports.js';
import { TcpProxy } from './tcp-proxy.js';

const run = promisify(execFile);

/** The shared RabbitMQ (never stopped by a test: stop or freeze a proxy in front of it instead). */
export const SHARED_RABBITMQ = { host: '127.0.0.1', port: 5672, url: 'amqp://guest:guest@127.0.0.1:5672' } as const;

/** One AMQP connection as `rabbitmqctl list_connections` reports it. */
export interface RabbitMqConnection {
  name: string;
  peerPort: number;
  user: string;
}

/** Every client connection of the shared RabbitMQ (`rabbitmqctl`, about 2-3 s a call: the management plugin is off). */
export async function rabbitMqConnections(): Promise<RabbitMqConnection[]> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_connections', '--no-table-headers', 'name', 'peer_port', 'user'], { timeout: 20_000 });
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [name = '', peerPort = '', user = ''] = line.split('\t');
      return { name, peerPort: Number(peerPort), user };
    });
}

/**
 * A TCP proxy in front of the shared RabbitMQ, on an allocated port: `stop()` makes the broker look down, `freeze()`
 * hung, `start()` / `resume()` back. Counts only the connections made through it, so other suites' connections to
 * the shared broker do not disturb the count.
 */
export class RabbitMqProxy {
  private constructor(readonly proxy: TcpProxy) {}

  static async start(): Promise<RabbitMqProxy> {
    const proxy = new TcpProxy(await allocatePort(), SHARED_RABBITMQ);
    await proxy.start();
    return new RabbitMqProxy(proxy);
  }

  get port(): number {
    return this.proxy.port;
  }

  /** `amqp://guest:guest@127.0.0.1:<proxy port>`. */
  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.proxy.port}`;
  }

  /** The broker's connections that came through this proxy. */
  async connections(): Promise<RabbitMqConnection[]> {
    const ports = new Set(this.proxy.upstreamPorts);
    return (await rabbitMqConnections()).filter((connection) => ports.has(connection.peerPort));
  }
}
