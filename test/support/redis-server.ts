import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

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
  private child?: ChildProcess;

  constructor(
    readonly port: number,
    private readonly extraArgs: string[] = [],
    private readonly cwd?: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server and waits (at most 10 s) until it answers. */
  async start(): Promise<void> {
    if (this.child) return;
    if (await portAnswers(this.port)) throw new Error(`port ${this.port} is already taken; a redis-server from an earlier run may be left over`);
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.extraArgs], {
      cwd: this.cwd,
      stdio: 'ignore',
    });
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    const deadline = performance.now() + 10_000;
    while (!(await portAnswers(this.port))) {
      if (!this.child) throw new Error(`redis-server on ${this.port} exited at start`);
      if (performance.now() > deadline) throw new Error(`redis-server on ${this.port} did not answer within 10 s`);
      await sleep(20);
    }
  }

  /** Kills the server (as a crash would) and waits until it has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await Promise.race([exited, sleep(5000, undefined, { ref: false })]);
  }

  /** Freezes the server: connections stay open, nothing is answered. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
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
