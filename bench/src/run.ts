// The benchmark harness (`npm run bench`): starts each server as a built Nest app in its own process,
// loads it with autocannon from this process, and prints a table with ratios to the bare Nest route.
import autocannon from 'autocannon';
import { execFile, fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server as NetServer, type Socket } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BootstrapConfig } from './bootstrap.js';
import type { HarnessMessage, ServerConfig, ServerMessage } from './server-config.js';

const DIST = dirname(fileURLToPath(import.meta.url));
const argv = new Set(process.argv.slice(2));
const QUICK = argv.has('--quick');
const FORCED_INDICATORS = [...argv].find((arg) => arg.startsWith('--indicators='))?.split('=')[1] as ServerConfig['indicators'] | undefined;
const ONLY = [...argv]
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PORT_RANGE = [17370, 17399] as const;

const ROUNDS = QUICK ? 1 : 3;
const THROUGHPUT_SECONDS = QUICK ? 1 : 3;
const THROUGHPUT_CONNECTIONS = 20;
const PING_SECONDS = QUICK ? 3 : 10;
const LATENCY_SECONDS = QUICK ? 2 : 4;
const HEAP_REQUESTS = QUICK ? 20_000 : 100_000;
const BOOTSTRAP_RUNS = QUICK ? 2 : 5;

const selected = (scenario: string): boolean => !ONLY || ONLY.includes(scenario);
const execFileAsync = promisify(execFile);
const children = new Set<ChildProcess>();

// ---------------------------------------------------------------------------------------------
// Processes and services

function stopChildren(): void {
  for (const child of children) child.kill('SIGKILL');
}
process.on('exit', stopChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopChildren();
    process.exit(130);
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((done) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => (socket.destroy(), done(true)));
      socket.once('error', () => (socket.destroy(), done(false)));
    });
    if (open) return;
    await sleep(100);
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

/** Our own redis-server, so that the PING count is ours alone. */
async function startRedis(): Promise<{ port: number; url: string; stop(): void }> {
  for (let port = PORT_RANGE[0]; port <= PORT_RANGE[1]; port++) {
    if (!(await portIsFree(port))) continue;
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    children.add(child);
    await waitForPort(port, 10_000);
    return {
      port,
      url: `redis://127.0.0.1:${port}`,
      stop: () => {
        child.kill('SIGTERM');
        children.delete(child);
      },
    };
  }
  throw new Error(`no free port for redis-server in ${PORT_RANGE.join('-')}`);
}

async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5000 });
  return stdout;
}

async function pingCalls(port: number): Promise<number> {
  const stats = await redisCli(port, 'INFO', 'commandstats');
  return Number(/cmdstat_ping:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

/** A dependency that accepts connections and never answers. */
async function startHungServer(): Promise<{ url: string; stop(): void }> {
  const sockets = new Set<Socket>();
  const server: NetServer = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/health`,
    stop: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

interface BenchServer {
  name: string;
  url: string;
  /** CPU time (user + system) the server process has used, in µs. */
  cpuMicros(): Promise<number>;
  heapUsed(): Promise<number>;
  stop(): Promise<void>;
}

function nextMessage<T extends ServerMessage['type']>(child: ChildProcess, type: T, timeoutMs: number): Promise<Extract<ServerMessage, { type: T }>> {
  return new Promise((resolveMessage, reject) => {
    const timer = setTimeout(() => finish(new Error(`no "${type}" message within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: ServerMessage) => {
      if (message.type === type) finish(undefined, message as Extract<ServerMessage, { type: T }>);
      else if (message.type === 'error') finish(new Error(message.message));
    };
    const onExit = (code: number | null) => finish(new Error(`server exited with ${code} before sending "${type}"`));
    function finish(error?: Error, message?: Extract<ServerMessage, { type: T }>): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolveMessage(message!);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function startServer(name: string, config: ServerConfig): Promise<BenchServer> {
  const child = fork(join(DIST, 'server.js'), [JSON.stringify(config)], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  let port: number;
  try {
    ({ port } = await nextMessage(child, 'ready', 60_000));
  } catch (error) {
    child.kill('SIGKILL');
    children.delete(child);
    throw new Error(`server "${name}" did not start: ${(error as Error).message}`);
  }
  const send = (message: HarnessMessage) => child.send(message);
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    cpuMicros: async () => {
      const reply = nextMessage(child, 'cpu', 10_000);
      send({ type: 'cpu' });
      return (await reply).micros;
    },
    heapUsed: async () => {
      const reply = nextMessage(child, 'heap', 30_000);
      send({ type: 'heap' });
      return (await reply).heapUsed;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      send({ type: 'stop' });
      await Promise.race([exited, sleep(5000)]);
      child.kill('SIGKILL');
      children.delete(child);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Load

interface LoadSummary {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, options: { connections: number; duration?: number; amount?: number }): Promise<LoadSummary> {
  const result = await autocannon({ url, pipelining: 1, timeout: 10, ...options });
  const requests = result.requests.total;
  return {
    rps: requests / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

// ---------------------------------------------------------------------------------------------
// Report

interface Row {
  measurement: string;
  unit: string;
  bare?: number;
  terminus?: number;
  vitals?: number;
  /** Ratios to (a): throughput rows only. */
  ratios?: { terminus?: number; vitals?: number };
  target: string;
  met?: boolean;
  note?: string;
}

const rows: Row[] = [];
const notes: string[] = [];

const format = (value: number | undefined, unit: string): string => {
  if (value === undefined) return '—';
  if (unit === 'req/s') return `${Math.round(value).toLocaleString('en-US')} req/s`;
  if (unit === 'MB') return `${value >= 0 ? '+' : ''}${value.toFixed(2)} MB`;
  if (unit === 'ms') return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
  return `${Math.round(value).toLocaleString('en-US')}${unit ? ` ${unit}` : ''}`;
};
const ratio = (value: number | undefined): string => (value === undefined ? '' : ` (${value.toFixed(2)}×)`);

function renderTable(): string {
  const lines = ['| measurement | (a) bare Nest route | (b) plain Terminus | (c) nest-vitals | target for (c) | met? |', '|---|---|---|---|---|---|'];
  for (const row of rows) {
    lines.push(
      `| ${row.measurement} | ${format(row.bare, row.unit)} | ${format(row.terminus, row.unit)}${ratio(row.ratios?.terminus)} | ${format(row.vitals, row.unit)}${ratio(row.ratios?.vitals)} | ${row.target} | ${[row.met === undefined ? '' : row.met ? 'yes' : '**no**', row.note ?? ''].filter(Boolean).join(' — ') || '—'} |`,
    );
  }
  return lines.join('\n');
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// Scenarios

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Built-in indicators when `HealthModule.forRoot({ database: true, redis, memory })` registers them; else user-defined ones. */
async function chooseIndicators(redisUrl: string): Promise<NonNullable<ServerConfig['indicators']>> {
  if (FORCED_INDICATORS) return FORCED_INDICATORS;
  const probe = await startServer('probe', { variant: 'vitals', checks: 'ready', indicators: 'builtin', databaseUrl: DATABASE_URL, redisUrl });
  try {
    const { body } = await getJson(`${probe.url}/health/ready`);
    const names = Object.keys((body.details as Record<string, unknown> | undefined) ?? {});
    log(`built-in readiness checks registered: ${names.join(', ') || 'none'}`);
    return names.includes('database') && names.some((name) => name.startsWith('redis')) && names.some((name) => name.startsWith('memory')) ? 'builtin' : 'user';
  } finally {
    await probe.stop();
  }
}

/** Throughput of one target, and the server's CPU time per request over the same run (less sensitive to other load). */
async function measureTarget(server: BenchServer, path: string): Promise<LoadSummary & { cpuPerRequest: number }> {
  const before = await server.cpuMicros();
  const summary = await load(`${server.url}${path}`, { connections: THROUGHPUT_CONNECTIONS, duration: THROUGHPUT_SECONDS });
  const after = await server.cpuMicros();
  return { ...summary, cpuPerRequest: (after - before) / Math.max(1, summary.requests) };
}

async function throughput(redisUrl: string, indicators: ServerConfig['indicators']): Promise<void> {
  const base = { databaseUrl: DATABASE_URL, redisUrl, indicators, checks: 'ready' } as const;
  const servers = {
    bare: await startServer('bare', { ...base, variant: 'bare' }),
    terminus: await startServer('terminus', { ...base, variant: 'terminus' }),
    terminusCached: await startServer('terminus cacheFor', { ...base, variant: 'terminus', cacheTtlMs: 1000 }),
    vitals: await startServer('vitals', { ...base, variant: 'vitals' }),
    vitalsTtl: await startServer('vitals cacheTtlMs', { ...base, variant: 'vitals', cacheTtlMs: 1000 }),
    vitalsTtlDefault: await startServer('vitals cacheTtlMs, default details', { ...base, variant: 'vitals', cacheTtlMs: 1000, details: 'default' }),
    vitalsRefresh: await startServer('vitals refreshIntervalMs', { ...base, variant: 'vitals', refreshIntervalMs: 1000 }),
  };
  const targets = {
    bare: [servers.bare, '/health/ready'],
    terminusLive: [servers.terminus, '/health/live'],
    vitalsLive: [servers.vitalsTtl, '/health/live'],
    vitalsInAppBare: [servers.vitalsTtl, '/bare-in-app'],
    terminusReady: [servers.terminus, '/health/ready'],
    terminusReadyCached: [servers.terminusCached, '/health/ready'],
    vitalsReady: [servers.vitals, '/health/ready'],
    vitalsReadyTtl: [servers.vitalsTtl, '/health/ready'],
    vitalsReadyTtlDefault: [servers.vitalsTtlDefault, '/health/ready'],
    vitalsReadyRefresh: [servers.vitalsRefresh, '/health/ready'],
  } as const;
  type Target = keyof typeof targets;
  const names = Object.keys(targets) as Target[];
  for (const name of names) {
    const [server, path] = targets[name];
    const { status, body } = await getJson(`${server.url}${path}`);
    if (status !== 200) throw new Error(`${name}: ${path} answered ${status} ${JSON.stringify(body)}`);
    await load(`${server.url}${path}`, { connections: THROUGHPUT_CONNECTIONS, duration: 1 });
  }
  const series = () => Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Target, number[]>;
  const rps = series();
  const ratios = series();
  const cpu = series();
  const cpuRatios = series();
  for (let round = 1; round <= ROUNDS; round++) {
    const roundRps = {} as Record<Target, number>;
    const roundCpu = {} as Record<Target, number>;
    // (a) before and after the others: its mean is the reference of this round.
    const bareBefore = await measureTarget(servers.bare, '/health/ready');
    for (const name of names) {
      if (name === 'bare') continue;
      const [server, path] = targets[name];
      const summary = await measureTarget(server, path);
      if (summary.non2xx || summary.errors) notes.push(`${name}: ${summary.non2xx} non-2xx, ${summary.errors} errors in round ${round}`);
      roundRps[name] = summary.rps;
      roundCpu[name] = summary.cpuPerRequest;
    }
    const bareAfter = await measureTarget(servers.bare, '/health/ready');
    roundRps.bare = (bareBefore.rps + bareAfter.rps) / 2;
    roundCpu.bare = (bareBefore.cpuPerRequest + bareAfter.cpuPerRequest) / 2;
    for (const name of names) {
      rps[name].push(roundRps[name]);
      ratios[name].push(roundRps[name] / roundRps.bare);
      cpu[name].push(roundCpu[name]);
      cpuRatios[name].push(roundCpu.bare / roundCpu[name]);
    }
    log(
      `throughput round ${round}/${ROUNDS}: ${names.map((name) => `${name} ${Math.round(roundRps[name])} req/s ${roundCpu[name].toFixed(0)} µs`).join(', ')}`,
    );
  }
  for (const server of Object.values(servers)) await server.stop();

  const m = (name: Target) => median(rps[name]);
  const r = (name: Target) => median(ratios[name]);
  const cpuNote = (name: Target) =>
    `server CPU ${median(cpu[name]).toFixed(0)} µs/request vs (a) ${median(cpu.bare).toFixed(0)} µs: ${median(cpuRatios[name]).toFixed(2)}×`;
  const row = (measurement: string, b: Target | undefined, c: Target, target?: number): Row => ({
    measurement,
    unit: 'req/s',
    bare: m('bare'),
    terminus: b && m(b),
    vitals: m(c),
    ratios: { terminus: b && r(b), vitals: r(c) },
    target: target ? `≥ ${target} × (a)` : '(none)',
    met: target ? r(c) >= target : undefined,
    note: cpuNote(c),
  });
  rows.push(row('`/health/live` throughput', 'terminusLive', 'vitalsLive', 0.95));
  // The same comparison inside c's own process: what the route costs, apart from what the app around it costs.
  const inApp = median(rps.vitalsLive.map((value, index) => value / rps.vitalsInAppBare[index]!));
  const inAppCpu = median(cpu.vitalsLive.map((value, index) => cpu.vitalsInAppBare[index]! / value));
  rows.push({
    measurement: "`/health/live` vs a bare route in c's own app (same process, modules and middleware)",
    unit: 'req/s',
    bare: m('vitalsInAppBare'),
    vitals: m('vitalsLive'),
    ratios: { vitals: inApp },
    target: '≥ 0.95 × the in-app bare route',
    met: inApp >= 0.95,
    note: `server CPU ${median(cpu.vitalsLive).toFixed(0)} µs/request vs ${median(cpu.vitalsInAppBare).toFixed(0)} µs: ${inAppCpu.toFixed(2)}×`,
  });
  rows.push(row('`/health/ready` throughput, database + Redis + memory, uncached (c: single-flight)', 'terminusReady', 'vitalsReady'));
  rows.push(
    row(
      "`/health/ready`, cached 1 s (b: `cacheFor(1000)`, c: `cacheTtlMs: 1000`), full report (c: `details: 'always'`)",
      'terminusReadyCached',
      'vitalsReadyTtl',
      0.85,
    ),
  );
  rows.push(
    row(
      '`/health/ready`, c: `cacheTtlMs: 1000`, default `details` (no key: body `{"status":"UP"}`, what a kubelet gets)',
      undefined,
      'vitalsReadyTtlDefault',
      0.85,
    ),
  );
  rows.push(row('`/health/ready`, c: `refreshIntervalMs: 1000`, full report', undefined, 'vitalsReadyRefresh', 0.85));
}

async function slowChecks(redisUrl: string): Promise<void> {
  const base = { databaseUrl: DATABASE_URL, redisUrl, checks: 'slow5' } as const;
  const results: Record<'terminus' | 'vitals', { single: LoadSummary; concurrent: LoadSummary }> = {} as never;
  for (const variant of ['terminus', 'vitals'] as const) {
    const server = await startServer(`${variant} 5×50 ms`, { ...base, variant });
    const url = `${server.url}/health/ready`;
    await load(url, { connections: 1, duration: 1 });
    const single = await load(url, { connections: 1, duration: LATENCY_SECONDS });
    const concurrent = await load(url, { connections: 10, duration: LATENCY_SECONDS });
    results[variant] = { single, concurrent };
    await server.stop();
  }
  rows.push({
    measurement: '5 checks × 50 ms, uncached: median latency, 1 connection',
    unit: 'ms',
    terminus: results.terminus.single.p50,
    vitals: results.vitals.single.p50,
    target: '≤ 60 ms',
    met: results.vitals.single.p50 <= 60,
  });
  rows.push({
    measurement: '5 checks × 50 ms, uncached: median latency, 10 connections',
    unit: 'ms',
    terminus: results.terminus.concurrent.p50,
    vitals: results.vitals.concurrent.p50,
    target: '≤ 60 ms',
    met: results.vitals.concurrent.p50 <= 60,
  });
}

async function redisPings(indicators: ServerConfig['indicators']): Promise<void> {
  // A redis-server of its own: nothing else talks to it while we count.
  const redis = await startRedis();
  const counts: Partial<Record<'terminus' | 'terminusCached' | 'vitals', number>> = {};
  try {
    const base = { databaseUrl: DATABASE_URL, redisUrl: redis.url, checks: 'ready', indicators } as const;
    const setups = [
      ['vitals', { ...base, variant: 'vitals', cacheTtlMs: 1000 }],
      ['terminus', { ...base, variant: 'terminus' }],
      ['terminusCached', { ...base, variant: 'terminus', cacheTtlMs: 1000 }],
    ] as const;
    for (const [key, config] of setups) {
      const server = await startServer(`${key} PING count`, config);
      await sleep(200);
      await redisCli(redis.port, 'CONFIG', 'RESETSTAT');
      await load(`${server.url}/health/ready`, { connections: 50, duration: PING_SECONDS });
      counts[key] = await pingCalls(redis.port);
      await server.stop();
    }
  } finally {
    redis.stop();
  }
  rows.push({
    measurement: `Redis PINGs during 50 connections × ${PING_SECONDS} s on \`/health/ready\` (b: uncached)`,
    unit: '',
    terminus: counts.terminus,
    vitals: counts.vitals,
    target: `≤ 11 (\`cacheTtlMs: 1000\`)`,
    met: (counts.vitals ?? Infinity) <= 11,
  });
  rows.push({
    measurement: `Redis PINGs, same load, b: \`cacheFor(1000)\``,
    unit: '',
    terminus: counts.terminusCached,
    target: '(peer, for reference)',
  });
}

async function hungDependency(redisUrl: string, indicators: ServerConfig['indicators']): Promise<void> {
  const hung = await startHungServer();
  const results: Partial<Record<'terminus' | 'vitals', LoadSummary>> = {};
  try {
    for (const variant of ['terminus', 'vitals'] as const) {
      const server = await startServer(`${variant} hung`, {
        variant,
        checks: 'hung',
        indicators,
        timeoutMs: 500,
        hungUrl: hung.url,
        databaseUrl: DATABASE_URL,
        redisUrl,
      });
      results[variant] = await load(`${server.url}/health/ready`, { connections: 10, duration: LATENCY_SECONDS });
      await server.stop();
    }
  } finally {
    hung.stop();
  }
  rows.push({
    measurement: `dependency that never answers (c: ${indicators === 'builtin' ? 'built-in `http` indicator' : 'user-defined indicator'}), \`timeoutMs: 500\`: p99 latency, 10 connections`,
    unit: 'ms',
    terminus: results.terminus?.p99,
    vitals: results.vitals?.p99,
    target: '≤ 600 ms',
    met: (results.vitals?.p99 ?? Infinity) <= 600,
    note: `503 for every request as expected (b: ${results.terminus?.non2xx} of ${results.terminus?.requests}, c: ${results.vitals?.non2xx} of ${results.vitals?.requests})`,
  });
}

async function heapGrowth(redisUrl: string, indicators: ServerConfig['indicators']): Promise<void> {
  const server = await startServer('vitals heap', { variant: 'vitals', checks: 'ready', indicators, cacheTtlMs: 1000, databaseUrl: DATABASE_URL, redisUrl });
  const url = `${server.url}/health/ready`;
  try {
    await load(url, { connections: THROUGHPUT_CONNECTIONS, amount: 1000 });
    const first = await server.heapUsed();
    const rest = await load(url, { connections: THROUGHPUT_CONNECTIONS, amount: HEAP_REQUESTS - 1000 });
    const last = await server.heapUsed();
    const growthMb = (last - first) / 1024 / 1024;
    rows.push({
      measurement: `heap after ${HEAP_REQUESTS.toLocaleString('en-US')} requests to \`/health/ready\` − after 1,000 (after GC; \`cacheTtlMs: 1000\`)`,
      unit: 'MB',
      vitals: growthMb,
      target: 'within 5 MB',
      met: Math.abs(growthMb) <= 5,
      note: `${(first / 1024 / 1024).toFixed(1)} → ${(last / 1024 / 1024).toFixed(1)} MB; ${rest.non2xx} non-2xx`,
    });
  } finally {
    await server.stop();
  }
}

type Swagger = 'used' | 'unused' | 'unused-openapi-off' | 'absent';
interface BootstrapTiming {
  createInitMs: number;
  sinceProcessStartMs: number;
}

async function bootstrapRun(mode: 'with' | 'without', swagger: Swagger, config: BootstrapConfig): Promise<BootstrapTiming> {
  const nodeArgs = swagger === 'absent' ? ['--import', join(DIST, 'hide-swagger.js')] : [];
  const { stdout } = await execFileAsync(process.execPath, [...nodeArgs, join(DIST, 'bootstrap.js'), mode, swagger, JSON.stringify(config)], {
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as BootstrapTiming;
}

const SWAGGER_SETUPS: Record<Swagger, string> = {
  absent: 'app without `@nestjs/swagger` installed',
  used: 'app that uses `@nestjs/swagger` (imported by its main)',
  unused: '`@nestjs/swagger` installed but not used by the app',
  'unused-openapi-off': '`@nestjs/swagger` installed but not used by the app, `openapi: false`',
};

async function bootstrapTime(redisUrl: string, hungUrl: string): Promise<void> {
  const config: BootstrapConfig = { databaseUrl: DATABASE_URL, redisUrl, httpUrl: hungUrl };
  await bootstrapRun('with', 'unused', config); // warms the file system cache
  for (const swagger of ['absent', 'used', 'unused', 'unused-openapi-off'] as const) {
    const runs = { with: [] as BootstrapTiming[], without: [] as BootstrapTiming[] };
    for (let run = 0; run < BOOTSTRAP_RUNS; run++) {
      runs.without.push(await bootstrapRun('without', swagger, config));
      runs.with.push(await bootstrapRun('with', swagger, config));
    }
    const withInit = median(runs.with.map((run) => run.createInitMs));
    const withoutInit = median(runs.without.map((run) => run.createInitMs));
    rows.push({
      measurement: `bootstrap (\`NestFactory.create\` + \`init\`, median of ${BOOTSTRAP_RUNS}), ${SWAGGER_SETUPS[swagger]}; a: no HealthModule, c: every built-in on`,
      unit: 'ms',
      bare: withoutInit,
      vitals: withInit,
      target: '(c) − (a) ≤ 100 ms',
      met: withInit - withoutInit <= 100,
      note: `+${(withInit - withoutInit).toFixed(0)} ms`,
    });
    if (swagger === 'absent') {
      const withTotal = median(runs.with.map((run) => run.sinceProcessStartMs));
      const withoutTotal = median(runs.without.map((run) => run.sinceProcessStartMs));
      rows.push({
        measurement: `bootstrap, process start → app initialised (imports included), ${SWAGGER_SETUPS[swagger]}`,
        unit: 'ms',
        bare: withoutTotal,
        vitals: withTotal,
        target: '(for reference)',
        note: `+${(withTotal - withoutTotal).toFixed(0)} ms`,
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------

const startedAt = new Date();
const loadBefore = loadavg();
log(`${QUICK ? 'quick run' : 'full run'}; database ${DATABASE_URL}`);
const redis = await startRedis();
log(`redis-server on port ${redis.port}`);
try {
  const indicators = await chooseIndicators(redis.url);
  log(
    `nest-vitals readiness checks: ${indicators === 'builtin' ? 'built-in indicators (database: true, redis, memory)' : 'user-defined @HealthIndicator classes'}`,
  );
  log('throughput…');
  if (selected('throughput')) await throughput(redis.url, indicators);
  log('five 50 ms checks…');
  if (selected('slow')) await slowChecks(redis.url);
  log('Redis PING count…');
  if (selected('pings')) await redisPings(indicators);
  log('hung dependency…');
  if (selected('hung')) await hungDependency(redis.url, indicators);
  log('heap…');
  if (selected('heap')) await heapGrowth(redis.url, indicators);
  log('bootstrap…');
  if (selected('bootstrap')) await bootstrapTime(redis.url, 'http://127.0.0.1:9/health');

  const machine = {
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    loadAverageBefore: loadBefore.map((value) => value.toFixed(2)).join(' '),
    loadAverageAfter: loadavg()
      .map((value) => value.toFixed(2))
      .join(' '),
  };
  const table = renderTable();
  const summary = [
    `nest-vitals benchmark, ${startedAt.toISOString()}${QUICK ? ' (quick run)' : ''}`,
    `machine: ${machine.cpu}, ${machine.memoryGb} GB, Node ${machine.node}; load average before ${machine.loadAverageBefore}, after ${machine.loadAverageAfter}`,
    `adapter: Express for (a), (b), (c); load: autocannon, ${THROUGHPUT_CONNECTIONS} connections, ${ROUNDS} interleaved round(s) of ${THROUGHPUT_SECONDS} s per throughput figure (median; ratios are per-round ratios to (a), median)`,
    `nest-vitals checks: ${indicators === 'builtin' ? 'built-in indicators' : 'user-defined @HealthIndicator classes (database SELECT 1, Redis PING, heap)'}; details: 'always' (full report serialised, like Terminus)`,
    '',
    table,
    ...(notes.length ? ['', 'notes:', ...notes.map((note) => `- ${note}`)] : []),
  ].join('\n');
  process.stdout.write(`${summary}\n`);
  const out = resolve(DIST, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.md'), `${summary}\n`);
  writeFileSync(join(out, 'latest.json'), `${JSON.stringify({ startedAt, quick: QUICK, indicators, machine, rows, notes }, null, 2)}\n`);
  log(`written to ${join(out, 'latest.md')}`);
} finally {
  redis.stop();
  stopChildren();
}
