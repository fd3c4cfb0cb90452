// The sample app (a real process, `dist/apps/sample/apps/sample/src/main.js` built by `npm run build`) under steady
// load on its own routes and on its probes, while its dependencies fail and return in turn, cycle after cycle:
// PostgreSQL (the shared one behind a TCP proxy: the proxy is stopped or stalled, never the database), Redis (a
// redis-server of the harness's own, stopped; or stalled behind a proxy, which counts the commands held) and an HTTP
// peer (behind a proxy, stopped or stalled). Odd cycles stop (connections refused), even cycles freeze (connections
// open, nothing answered). What it reports: 5xx other than 503 on the probes, errors on the app's own routes that
// health caused, the app's connections to the database, RSS and open file descriptors cycle after cycle, and the
// worst detection and recovery times.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fork, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { waitForOutput, type RunningProcess } from '../../../test/support/processes.js';
import { median, slope } from '../harness/load.js';
import { BENCH_DIST, trackChild } from '../harness/processes.js';
import { fmt, log } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { benchPort, hostAndPort, startHttpPeer, startProxy, startRedis, stopRedis } from '../harness/services.js';

const REFRESH_MS = 500;
/** The sample's module default `timeoutMs`. */
const TIMEOUT_MS = 1000;
const API_KEY = 'soak-key';
/** A fault is held this long after it shows, so that frozen runs also report "still running". */
const HOLD_MS = 600;
const WATCH_LIMIT_MS = 10_000;

type Mode = 'stopped' | 'frozen';
type Dependency = 'database' | 'redis' | 'dependency';

/** One request of the load: which route, when, and how it ended (HTTP status, or 0 for no answer). */
interface Outcome {
  route: string;
  startedAt: number;
  endedAt: number;
  status: number;
}

/** A fault: from the moment the harness broke the dependency until its check was UP again after it returned. */
interface Fault {
  cycle: number;
  dependency: Dependency;
  mode: Mode;
  failedAt: number;
  returnedAt: number;
  recoveredAt: number;
  detectionMs: number;
  recoveryMs: number;
  /** For the database: readiness 503 after the failure, and 200 after the return. */
  readyDownMs?: number;
  readyUpMs?: number;
}

const ROUTES: { path: string; weight: number; probe: boolean; dependsOn?: Dependency }[] = [
  { path: '/notes', weight: 3, probe: false, dependsOn: 'database' },
  { path: '/work?ms=0', weight: 3, probe: false },
  { path: '/dependency', weight: 1, probe: false, dependsOn: 'dependency' },
  { path: '/health/ready', weight: 2, probe: true },
  { path: '/health/live', weight: 1, probe: true },
  { path: '/health/startup', weight: 1, probe: true },
];
const WEIGHTED = ROUTES.flatMap((route) => Array.from({ length: route.weight }, () => route));

/** `clients` loops, each sending one request at a time (keep-alive, 5 s timeout), 10 ms apart, until stopped. */
function steadyLoad(base: string, clients: number): { outcomes: Outcome[]; stop: () => Promise<void> } {
  const outcomes: Outcome[] = [];
  let running = true;
  const loops = Array.from({ length: clients }, async (_, client) => {
    for (let i = client; running; i++) {
      const route = WEIGHTED[i % WEIGHTED.length];
      const startedAt = performance.now();
      let status: number;
      try {
        const response = await fetch(`${base}${route.path}`, { signal: AbortSignal.timeout(5000) });
        await response.arrayBuffer();
        status = response.status;
      } catch {
        status = 0;
      }
      outcomes.push({ route: route.path, startedAt, endedAt: performance.now(), status });
      await sleep(10);
    }
  });
  return {
    outcomes,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function checkStatus(base: string, name: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${base}/health/checks/${name}`, { headers: { 'x-health-key': API_KEY }, signal: AbortSignal.timeout(2000) });
    return ((await response.json()) as { status?: string }).status;
  } catch {
    return undefined;
  }
}

async function readyStatus(base: string): Promise<number> {
  try {
    const response = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** Milliseconds from `since` until `probe` passes (polled every 10 ms); NaN past the limit. */
async function until(probe: () => Promise<boolean>, since: number): Promise<number> {
  while (performance.now() - since < WATCH_LIMIT_MS) {
    if (await probe()) return performance.now() - since;
    await sleep(10);
  }
  return NaN;
}

interface Footprint {
  rssMb: number;
  fds: number;
  /** Heap used after two full GCs, in MB. */
  heapMb: number;
  /** `process.getActiveResourcesInfo()`, counted: the process's open handles (sockets, servers) and timers. */
  handles: number;
  resources: Record<string, number>;
}

/**
 * The sample app as a real process, forked with `--expose-gc` and the footprint hook (`soak-footprint.hook.ts`),
 * so the harness can ask it for its heap after GC and its active resources over IPC.
 */
function startSample(main: string, env: Record<string, string>): RunningProcess & { footprint(): Promise<Footprint> } {
  const hook = pathToFileURL(join(BENCH_DIST, 'soak-footprint.hook.js')).href;
  const child: ChildProcess = fork(main, [], {
    execArgv: ['--expose-gc', '--import', hook],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal, at: performance.now() })),
  );
  return {
    child,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
    footprint: () =>
      new Promise<Footprint>((resolveFootprint, reject) => {
        const timer = setTimeout(() => reject(new Error('soak: no footprint answer within 10 s')), 10_000);
        child.once('message', (message: { heapUsed: number; resources: Record<string, number> }) => {
          clearTimeout(timer);
          const pid = child.pid!;
          const rssKb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
          resolveFootprint({
            rssMb: rssKb / 1024,
            fds: readdirSync(`/proc/${pid}/fd`).length,
            heapMb: message.heapUsed / 1024 / 1024,
            handles: Object.entries(message.resources).reduce((sum, [, count]) => sum + count, 0),
            resources: message.resources,
          });
        });
        child.send('footprint');
      }),
  };
}

/** Redis commands (RESP arrays) in some bytes: `*<n>\r\n` at the start of each. */
function respCommands(bytes: Buffer): number {
  return bytes.toString('latin1').match(/(^|\n)\*\d+\r\n\$\d+\r\n[a-z]+\r\n/gi)?.length ?? 0;
}

export const soakScenario: Scenario = {
  name: 'soak',
  title: 'the sample app under steady load while PostgreSQL, Redis and an HTTP peer are stopped, frozen and returned in turn',
  async run({ options, report }) {
    // BENCH_SOAK_CYCLES makes a longer soak (a growth trend shows better over more cycles).
    const cycles = Number(process.env.BENCH_SOAK_CYCLES) || (options.quick ? 2 : 20);
    const main = process.env.BENCH_SAMPLE_MAIN ?? resolve(BENCH_DIST, '../../../../dist/apps/sample/apps/sample/src/main.js');
    const redis = await startRedis();
    const redisProxy = await startProxy({ host: '127.0.0.1', port: redis.port });
    const databaseProxy = await startProxy(hostAndPort(options.databaseUrl, 5432));
    const peer = await startHttpPeer();
    const peerProxy = await startProxy({ host: '127.0.0.1', port: peer.port });
    const databaseUrl = new URL(options.databaseUrl);
    databaseUrl.host = `127.0.0.1:${databaseProxy.port}`;
    const port = await benchPort();
    const app = startSample(main, {
      PORT: String(port),
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
      DEPENDENCY_URL: `http://127.0.0.1:${peerProxy.port}/health`,
      HEALTH_REFRESH_INTERVAL_MS: String(REFRESH_MS),
      HEALTH_API_KEY: API_KEY,
      HEALTH_HEAP_DOWN_MB: '4096',
      NO_COLOR: '1',
    });
    trackChild(app.child);
    const base = `http://127.0.0.1:${port}`;

    const faults: Fault[] = [];
    const footprints: Footprint[] = [];
    /** When the harness asked for a footprint (two forced full GCs block the app's event loop meanwhile). */
    const footprintAt: number[] = [];
    const connectionSamples: { at: number; connections: number }[] = [];
    let pendingRedisCommands = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        connectionSamples.push({ at: performance.now(), connections: databaseProxy.clientConnections });
        pendingRedisCommands = Math.max(pendingRedisCommands, ...redisProxy.heldFromClients().map(respCommands), 0);
        await sleep(50);
      }
    })();

    const actions: Record<Dependency, Record<Mode, [() => unknown, () => unknown]>> = {
      database: { stopped: [() => databaseProxy.stop(), () => databaseProxy.start()], frozen: [() => databaseProxy.stall(), () => databaseProxy.unstall()] },
      redis: { stopped: [() => redis.stop(), () => redis.start()], frozen: [() => redisProxy.stall(), () => redisProxy.unstall()] },
      dependency: { stopped: [() => peerProxy.stop(), () => peerProxy.start()], frozen: [() => peerProxy.stall(), () => peerProxy.unstall()] },
    };

    let load: ReturnType<typeof steadyLoad> | undefined = undefined;
    let baseline: number;
    const started = performance.now();
    try {
      await waitForOutput(app, /listening on/, 60_000);
      if (Number.isNaN(await until(async () => (await readyStatus(base)) === 200, performance.now()))) throw new Error('soak: the sample app never got ready');
      load = steadyLoad(base, 4);
      // Warm-up under load: the baseline is the most connections the app holds while everything answers.
      const warmupFrom = performance.now();
      await sleep(5000);
      baseline = Math.max(...connectionSamples.filter((sample) => sample.at >= warmupFrom).map((sample) => sample.connections));
      log(`soak: baseline ${baseline} database connections under load`);

      for (let cycle = 1; cycle <= cycles; cycle++) {
        const mode: Mode = cycle % 2 === 1 ? 'stopped' : 'frozen';
        for (const dependency of ['database', 'redis', 'dependency'] as const) {
          const [fail, recover] = actions[dependency][mode];
          const failedAt = performance.now();
          await fail();
          const [detectionMs, readyDownMs] = await Promise.all([
            until(async () => (await checkStatus(base, dependency)) === 'DOWN', failedAt),
            dependency === 'database' ? until(async () => (await readyStatus(base)) === 503, failedAt) : Promise.resolve(undefined),
          ]);
          await sleep(HOLD_MS);
          const returnedAt = performance.now();
          await recover();
          const [recoveryMs, readyUpMs] = await Promise.all([
            until(async () => (await checkStatus(base, dependency)) === 'UP', returnedAt),
            dependency === 'database' ? until(async () => (await readyStatus(base)) === 200, returnedAt) : Promise.resolve(undefined),
          ]);
          faults.push({
            cycle,
            dependency,
            mode,
            failedAt,
            returnedAt,
            recoveredAt: returnedAt + (Number.isNaN(recoveryMs) ? WATCH_LIMIT_MS : Math.max(recoveryMs, readyUpMs ?? 0)),
            detectionMs,
            recoveryMs,
            readyDownMs,
            readyUpMs,
          });
          await sleep(200);
        }
        footprintAt.push(performance.now());
        const footprint = await app.footprint();
        footprints.push(footprint);
        log(
          `soak: cycle ${cycle}/${cycles} (${mode}) done; RSS ${footprint.rssMb.toFixed(1)} MB, heap after GC ${footprint.heapMb.toFixed(1)} MB, ${footprint.handles} active resources ${JSON.stringify(footprint.resources)}, ${footprint.fds} fds`,
        );
      }
    } finally {
      await load?.stop();
      sampling = false;
      await sampler;
      await app.stop();
      await Promise.all([databaseProxy.stop(), redisProxy.stop(), peerProxy.stop(), peer.close()]);
      await stopRedis(redis);
    }
    const outcomes = load.outcomes;
    const durationS = (performance.now() - started) / 1000;

    // While a dependency is broken (and until its check is UP again), a route that depends on it may fail: that is the
    // dependency's outage (503 fail fast, or the handler's own error before the check noticed). Any other failure of the
    // app's own routes is one health caused.
    const inOutage = (outcome: Outcome, dependency: Dependency | undefined) =>
      dependency !== undefined &&
      faults.some((fault) => fault.dependency === dependency && outcome.endedAt >= fault.failedAt && outcome.startedAt <= fault.recoveredAt);
    const probeOutcomes = outcomes.filter((outcome) => ROUTES.find((route) => route.path === outcome.route)!.probe);
    const probeFailures = probeOutcomes.filter((outcome) => outcome.status === 0 || (outcome.status >= 500 && outcome.status !== 503));
    const ownOutcomes = outcomes.filter((outcome) => !ROUTES.find((route) => route.path === outcome.route)!.probe);
    const ownFailed = ownOutcomes.filter((outcome) => outcome.status === 0 || outcome.status >= 400);
    const causedByHealth = ownFailed.filter((outcome) => !inOutage(outcome, ROUTES.find((route) => route.path === outcome.route)!.dependsOn));
    const duringOutage = ownFailed.length - causedByHealth.length;
    const liveFailures = probeOutcomes.filter((outcome) => outcome.route === '/health/live' && outcome.status !== 200);
    // Liveness holds the event-loop check: a 503 soon after a forced GC is the harness's doing, not the app's.
    const sinceFootprint = (at: number) => Math.min(...footprintAt.filter((asked) => asked <= at).map((asked) => at - asked), Infinity);
    const liveFailuresAfterGc = liveFailures.filter((outcome) => sinceFootprint(outcome.startedAt) < 3000).length;

    const databaseFaults = faults.filter((fault) => fault.dependency === 'database');
    const mostDuring = (mode: Mode) =>
      Math.max(
        0,
        ...connectionSamples
          .filter((sample) => databaseFaults.some((fault) => fault.mode === mode && sample.at >= fault.failedAt && sample.at <= fault.returnedAt))
          .map((sample) => sample.connections),
      );
    const mostOverall = Math.max(...connectionSamples.map((sample) => sample.connections));
    // The app's own GET /notes in flight at a moment: each holds (or waits for) one connection of its own.
    const notes = outcomes.filter((outcome) => outcome.route === '/notes');
    const ownInFlight = (at: number) => notes.filter((outcome) => outcome.startedAt <= at && outcome.endedAt > at).length;
    const stallSamples = connectionSamples.filter((sample) =>
      databaseFaults.some((fault) => fault.mode === 'frozen' && sample.at >= fault.failedAt && sample.at <= fault.returnedAt),
    );
    // Idle connections of the pool stay open too: beyond the app's own requests, at most the baseline plus health's.
    const beyondOwn = Math.max(0, ...stallSamples.map((sample) => sample.connections - Math.min(sample.connections, ownInFlight(sample.at))));
    const worst = (values: (number | undefined)[]) =>
      values.reduce<number>((most, value) => Math.max(most, value === undefined || Number.isNaN(value) ? Infinity : value), 0);
    // Cycles alternate stopped / frozen, which leave the pools in different states: compare like with like.
    const first = footprints[0];
    const last = footprints.at(-1)!;
    const sameMode = (index: number) => footprints.filter((_, cycle) => cycle % 2 === index % 2);
    const firstOfMode = footprints.length > 1 ? [footprints[0], footprints[1]] : [footprints[0]];
    const lastOfMode = firstOfMode.map((_, index) => sameMode(index).at(-1)!);
    const heapSlope = slope(footprints.map((footprint, index) => ({ x: index + 1, y: footprint.heapMb })));
    const rssSlope = slope(footprints.map((footprint, index) => ({ x: index + 1, y: footprint.rssMb })));
    // Sockets and timers come and go with the pools and the load: compare the means of the first and the second half.
    const halfMeans = (key: 'handles' | 'fds') => {
      const half = Math.max(1, Math.floor(footprints.length / 2));
      const mean = (values: Footprint[]) => values.reduce((sum, footprint) => sum + footprint[key], 0) / values.length;
      return [mean(footprints.slice(0, half)), mean(footprints.slice(-half))];
    };
    const [handlesBefore, handlesAfter] = halfMeans('handles');
    const [fdsBefore, fdsAfter] = halfMeans('fds');
    const handlesGrew = handlesAfter > handlesBefore + 1 || fdsAfter > fdsBefore + 1;
    const pair = (key: 'handles' | 'fds') =>
      firstOfMode.map((footprint, index) => `${footprint[key]} → ${lastOfMode[index][key]}`).join(' (stopped), ') + ' (frozen)';

    const rows: string[][] = [];
    for (const dependency of ['database', 'redis', 'dependency'] as const) {
      for (const mode of ['stopped', 'frozen'] as const) {
        const selected = faults.filter((fault) => fault.dependency === dependency && fault.mode === mode);
        const detection = selected.map((fault) => (dependency === 'database' ? Math.max(fault.detectionMs, fault.readyDownMs ?? NaN) : fault.detectionMs));
        const recovery = selected.map((fault) => (dependency === 'database' ? Math.max(fault.recoveryMs, fault.readyUpMs ?? NaN) : fault.recoveryMs));
        rows.push([
          `${dependency === 'dependency' ? 'HTTP peer' : dependency === 'database' ? 'PostgreSQL' : 'Redis'} ${mode}`,
          String(selected.length),
          `${fmt.ms(median(detection.filter((value) => !Number.isNaN(value))))} / ${fmt.ms(worst(detection))}`,
          `${fmt.ms(median(recovery.filter((value) => !Number.isNaN(value))))} / ${fmt.ms(worst(recovery))}`,
        ]);
      }
    }
    report.table(
      'soak',
      `${cycles} cycles in ${durationS.toFixed(0)} s; \`refreshIntervalMs: ${REFRESH_MS}\`, \`timeoutMs: ${TIMEOUT_MS}\`; detection (check DOWN; for PostgreSQL also readiness 503) and recovery (check UP; readiness 200), median / worst`,
      ['fault', 'times', 'detection', 'recovery'],
      rows,
      [
        `load: 4 loops, 10 ms apart, over ${ROUTES.map((route) => `\`${route.path}\` ×${route.weight}`).join(', ')}: ${fmt.int(outcomes.length)} requests`,
        `probes: ${fmt.int(probeOutcomes.length)} requests, ${probeFailures.length} answered 5xx other than 503 or not at all; \`/health/live\` not 200: ${liveFailures.length} (${liveFailuresAfterGc} of them within 3 s of the harness's forced GCs)`,
        `the app's own routes: ${fmt.int(ownOutcomes.length)} requests; failed while a dependency they depend on was out (fail fast 503, or the handler's error before the check noticed): ${duringOutage}; failed otherwise (caused by health): ${causedByHealth.length}`,
        `database connections (open at the proxy, sampled every 50 ms): baseline under load ${baseline}; most while PostgreSQL was stalled ${mostDuring('frozen')}, while stopped ${mostDuring('stopped')}, over the whole run ${mostOverall}; while stalled, most beyond the app's own GET /notes in flight ${beyondOwn} (the pool's idle connections stay open; two checks use the database, \`database\` and the sample's \`notes-store\`)`,
        `Redis commands held by the stalled proxy (pending on a frozen Redis), most at once: ${pendingRedisCommands}`,
        `sample app after cycle 1 → after cycle ${cycles}: heap after GC ${first.heapMb.toFixed(1)} → ${last.heapMb.toFixed(1)} MB (slope ${heapSlope.toFixed(2)} MB/cycle); RSS ${first.rssMb.toFixed(1)} → ${last.rssMb.toFixed(1)} MB (slope ${rssSlope.toFixed(2)} MB/cycle, min ${Math.min(...footprints.map((footprint) => footprint.rssMb)).toFixed(1)}, max ${Math.max(...footprints.map((footprint) => footprint.rssMb)).toFixed(1)}); active resources ${pair('handles')}, mean ${handlesBefore.toFixed(1)} over the first half, ${handlesAfter.toFixed(1)} over the second; open file descriptors ${pair('fds')}, mean ${fdsBefore.toFixed(1)} then ${fdsAfter.toFixed(1)}`,
      ],
    );
    report.target({
      scenario: 'soak',
      target: 'probes: 0 answers 5xx other than 503 (or none)',
      figure: String(probeFailures.length),
      met: probeFailures.length === 0,
    });
    report.target({
      scenario: 'soak',
      target: "0 errors on the app's own routes caused by health",
      figure: String(causedByHealth.length),
      met: causedByHealth.length === 0,
    });
    report.target({
      scenario: 'soak',
      target: `database connections ≤ baseline + 1 (${baseline + 1}) while PostgreSQL is stalled`,
      figure: String(mostDuring('frozen')),
      met: mostDuring('frozen') <= baseline + 1,
    });
    report.target({
      scenario: 'soak',
      target: `database connections beyond the app's own GET /notes in flight ≤ baseline + 1 (${baseline + 1}) while PostgreSQL is stalled`,
      figure: String(beyondOwn),
      met: beyondOwn <= baseline + 1,
    });
    report.target({
      scenario: 'soak',
      target: 'Redis: at most 1 command pending while frozen',
      figure: String(pendingRedisCommands),
      met: pendingRedisCommands <= 1,
    });
    report.target({
      scenario: 'soak',
      target: 'no growth trend: heap after GC slope < 0.2 MB/cycle; active resources and file descriptors, mean of the second half ≤ mean of the first + 1',
      figure: `${heapSlope.toFixed(2)} MB/cycle; resources ${handlesBefore.toFixed(1)} → ${handlesAfter.toFixed(1)}; fds ${fdsBefore.toFixed(1)} → ${fdsAfter.toFixed(1)}`,
      met: heapSlope < 0.2 && !handlesGrew,
    });
    report.record('soak', {
      cycles,
      durationS,
      baseline,
      mostDuringStall: mostDuring('frozen'),
      mostDuringStop: mostDuring('stopped'),
      mostOverall,
      beyondOwn,
      pendingRedisCommands,
      probeFailures: probeFailures.length,
      liveFailures: liveFailures.map((outcome) => ({ status: outcome.status, sinceFootprintMs: sinceFootprint(outcome.startedAt) })),
      causedByHealth: causedByHealth.slice(0, 20),
      duringOutage,
      footprints,
      faults: faults.map(({ cycle, dependency, mode, detectionMs, recoveryMs, readyDownMs, readyUpMs }) => ({
        cycle,
        dependency,
        mode,
        detectionMs,
        recoveryMs,
        readyDownMs,
        readyUpMs,
      })),
    });
  },
};
