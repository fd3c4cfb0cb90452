import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { ServerProcess } from './server-process.js';

const run = promisify(execFile);

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    // Any reply (+PONG, or -NOAUTH with requirepass) means the server is serving.
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', () => done(true));
  });
}

/**
 * A `redis-server` child process of the test's own, on a port of its own: the test may stop,
 * freeze (SIGSTOP) and restart it, which it must never do to the shared Redis on 6379.
 */
export class RedisServerProcess {
  private readonly process: ServerProcess;

  constructor(
    readonly port: number,
    extraArgs: string[] = [],
    cwd?: string,
  ) {
    this.process = new ServerProcess(
      'redis-server',
      'redis-server',
      () => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs],
      () => portAnswers(port),
      port,
      cwd,
    );
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server and waits (at most 10 s) until it answers. */
  start(): Promise<void> {
    return this.process.start();
  }

  /** Kills the server (as a crash would) and waits until it has exited. */
  stop(): Promise<void> {
    return this.process.stop();
  }

  /** Freezes the server: connections stay open, nothing is answered. */
  pause(): Promise<void> {
    return this.process.pause();
  }

  resume(): void {
    this.process.resume();
  }

  /** Runs redis-cli against this server. */
  async cli(...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-p', String(this.port), ...args], { timeout: 5000 });
    return stdout;
  }
}

/** A field of `INFO`/`CLUSTER INFO` output. */
export function infoField(text: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(text)?.[1]?.trim();
}
