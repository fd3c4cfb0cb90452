import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Whether every thread of a process is stopped (state `T` in `/proc/<pid>/task/<tid>/stat`). */
async function isStopped(pid: number): Promise<boolean> {
  try {
    const tasks = await readdir(`/proc/${pid}/task`);
    const states = await Promise.all(tasks.map(async (task) => (await readFile(`/proc/${pid}/task/${task}/stat`, 'utf8')).replace(/^.*\) /s, '')[0]));
    return states.every((state) => state === 'T' || state === 't');
  } catch {
    return true; // gone: nothing answers either
  }
}

/** Whether something accepts TCP connections on a loopback port. */
export function portAccepts(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => done(true));
  });
}

/**
 * A server child process of the test's own (a broker on ports of its own): started, killed as a crash would,
 * frozen with SIGSTOP and thawed with SIGCONT. Never used on the shared services.
 */
export class ServerProcess {
  private child?: ChildProcess;
  private output = '';

  constructor(
    private readonly name: string,
    private readonly command: string,
    private readonly args: () => string[],
    /** Resolves true once the server serves. */
    private readonly ready: () => Promise<boolean>,
    private readonly port: number,
    /** The working directory of the process (the current one by default). */
    private readonly cwd?: string,
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  /** The process id, while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and waits (at most 10 s) until `ready`. */
  async start(): Promise<void> {
    if (this.child) return;
    if (await portAccepts(this.port)) throw new Error(`port ${this.port} is already taken; a ${this.name} from an earlier run may be left over`);
    this.output = '';
    const child = spawn(this.command, this.args(), { cwd: this.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const collect = (chunk: Buffer) => (this.output = `${this.output}${chunk.toString()}`.slice(-4000));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => (this.output += `\n${error.message}`));
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    const deadline = performance.now() + 10_000;
    while (!(await this.ready())) {
      if (!this.child) throw new Error(`${this.name} on ${this.port} exited at start:\n${this.output}`);
      if (performance.now() > deadline) throw new Error(`${this.name} on ${this.port} did not serve within 10 s:\n${this.output}`);
      await sleep(25);
    }
  }

  /** Kills the process (as a crash would) and waits until it has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // A frozen process must be thawed to die promptly on some kernels; SIGKILL works either way, SIGCONT is harmless.
    child.kill('SIGKILL');
    child.kill('SIGCONT');
    await Promise.race([exited, sleep(5000, undefined, { ref: false })]);
  }

  /**
   * Freezes the process: its connections stay open, nothing is answered. Resolves once the kernel shows it stopped
   * (SIGSTOP is delivered asynchronously: a thread running on the other core could still answer one more request).
   */
  async pause(): Promise<void> {
    const pid = this.child?.pid;
    if (!this.child || pid === undefined) return;
    this.child.kill('SIGSTOP');
    for (let attempt = 0; attempt < 500; attempt++) {
      if (await isStopped(pid)) return;
      await sleep(2);
    }
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** The last few kB the process printed. */
  get log(): string {
    return this.output;
  }
}
