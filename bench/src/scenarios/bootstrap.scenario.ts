// Bootstrap time with every built-in on against the same app without HealthModule, each run in a fresh process.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BootstrapConfig } from '../bootstrap.js';
import { median } from '../harness/load.js';
import { BENCH_DIST } from '../harness/processes.js';
import { fmt } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { SHARED_REDIS_URL } from '../harness/services.js';

const execFileAsync = promisify(execFile);

type Swagger = 'used' | 'unused' | 'unused-openapi-off' | 'absent';
interface BootstrapTiming {
  createInitMs: number;
  sinceProcessStartMs: number;
}

const SETUPS: Record<Swagger, string> = {
  absent: 'app without `@nestjs/swagger` installed',
  used: 'app that uses `@nestjs/swagger` (imported by its main)',
  unused: '`@nestjs/swagger` installed but not used by the app',
  'unused-openapi-off': '`@nestjs/swagger` installed but not used, `openapi: false`',
};

async function bootstrapOnce(mode: 'with' | 'without', swagger: Swagger, config: BootstrapConfig): Promise<BootstrapTiming> {
  const nodeArgs = swagger === 'absent' ? ['--import', join(BENCH_DIST, 'hide-swagger.js')] : [];
  const { stdout } = await execFileAsync(process.execPath, [...nodeArgs, join(BENCH_DIST, 'bootstrap.js'), mode, swagger, JSON.stringify(config)], {
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as BootstrapTiming;
}

export const bootstrapScenario: Scenario = {
  name: 'bootstrap',
  title: '`NestFactory.create` + `init` with every built-in against without HealthModule',
  async run({ options, report }) {
    const runs = options.quick ? 2 : 5;
    // Port 9 (discard) refuses: the http built-in is registered, never called during bootstrap.
    const config: BootstrapConfig = { databaseUrl: options.databaseUrl, redisUrl: SHARED_REDIS_URL, httpUrl: 'http://127.0.0.1:9/health' };
    await bootstrapOnce('with', 'unused', config); // warms the file system cache
    const rows: string[][] = [];
    for (const swagger of ['absent', 'used', 'unused', 'unused-openapi-off'] as const) {
      const timings = { with: [] as BootstrapTiming[], without: [] as BootstrapTiming[] };
      for (let run = 0; run < runs; run++) {
        timings.without.push(await bootstrapOnce('without', swagger, config));
        timings.with.push(await bootstrapOnce('with', swagger, config));
      }
      const without = median(timings.without.map((timing) => timing.createInitMs));
      const withHealth = median(timings.with.map((timing) => timing.createInitMs));
      const sinceStart = median(timings.with.map((t) => t.sinceProcessStartMs)) - median(timings.without.map((t) => t.sinceProcessStartMs));
      rows.push([SETUPS[swagger], fmt.ms(without), fmt.ms(withHealth), `+${fmt.ms(withHealth - without)}`, `+${fmt.ms(sinceStart)}`, '≤ +100 ms']);
      report.target({
        scenario: 'bootstrap',
        target: `${SETUPS[swagger]}: create + init ≤ +100 ms`,
        figure: `+${fmt.ms(withHealth - without)}`,
        met: withHealth - without <= 100,
      });
    }
    report.table(
      'bootstrap',
      `median of ${runs} fresh processes each, alternating; an app with TypeORM (PostgreSQL) and one controller`,
      ['setup', 'create + init, without', 'with every built-in', 'difference', 'process start → initialised, difference', 'target'],
      rows,
    );
  },
};
