import { afterEach, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually, getCheck } from './report.js';
import { allocatePort } from './ports.js';
import { SERVICES } from './services.js';
import { TcpProxy } from './tcp-proxy.js';

/** The runner's timeout in these suites, and the HTTP round trip on top of it. */
export const ORM_TIMEOUT_MS = 500;
const SLACK_MS = 100;
/** The app's own pool size in these suites. */
export const APP_POOL_SIZE = 2;

/** An app with an ORM built-in over a database reached through `port` (a proxy's). */
export interface OrmApp {
  url: string;
  close(): Promise<void>;
}

export interface SqlEngine {
  label: string;
  service: { host: string; port: number };
  /** Starts the app against the database on `port`, its pool at most `APP_POOL_SIZE` connections. */
  start(port: number): Promise<OrmApp>;
  /** What the check's error says when the database refuses connections. */
  refused: RegExp;
}

export const POSTGRES_URL = (port: number) => `postgres://postgres@127.0.0.1:${port}/test`;
export const MARIADB_URL = (port: number) => `mysql://root@127.0.0.1:${port}/test`;
export const SERVICE_OF = { postgres: SERVICES.postgres, mariadb: SERVICES.mariadb };

/**
 * What "done" means for an ORM built-in over a SQL database, for each engine: UP; DOWN within timeout +
 * 100 ms with the database stopped and with it frozen; UP again without a restart; no connection of the
 * check's own beyond the app's pool, and at most one more while frozen.
 */
export function describeSqlOrmResilience(checkName: string, engines: SqlEngine[]): void {
  describe.each(engines)(`${checkName} on $label behind a proxy`, (engine) => {
    let app: OrmApp | undefined;
    let proxy: TcpProxy | undefined;

    async function startBehindProxy(): Promise<string> {
      proxy = new TcpProxy(await allocatePort(), engine.service);
      await proxy.start();
      app = await engine.start(proxy.port);
      return app.url;
    }

    afterEach(async () => {
      proxy?.resume();
      await app?.close();
      await proxy?.stop();
      app = undefined;
      proxy = undefined;
    });

    it('UP; DOWN within the timeout with the database stopped; UP again when it is back, without a restart', async () => {
      const url = await startBehindProxy();
      const up = await getCheck(url, checkName);
      expect(up).toMatchObject({ status: 'UP', data: { responseTimeMs: expect.any(Number) } });

      await proxy!.stop();
      const down = await eventually(
        () => getCheck(url, checkName),
        (check) => check.status === 'DOWN',
        5000,
      );
      expect(down.elapsedMs).toBeLessThan(ORM_TIMEOUT_MS + SLACK_MS);
      expect(down.error).toMatch(engine.refused);

      await proxy!.start();
      await eventually(
        () => getCheck(url, checkName),
        (check) => check.status === 'UP',
        10_000,
      );
    });

    it('frozen: DOWN within timeout + 100 ms, no second ping while the first is stuck, at most one more connection; UP again after', async () => {
      const url = await startBehindProxy();
      for (let probe = 0; probe < 5; probe++) expect((await getCheck(url, checkName)).status).toBe('UP');
      const before = proxy!.upstreamPorts.length;
      expect(before).toBeLessThanOrEqual(APP_POOL_SIZE);

      // Stalled, not frozen: a connection the app drops is noticed, as the database's kernel would.
      proxy!.stall();
      const first = await getCheck(url, checkName);
      expect(first).toMatchObject({ status: 'DOWN', error: `timed out after ${ORM_TIMEOUT_MS} ms` });
      expect(first.elapsedMs).toBeLessThan(ORM_TIMEOUT_MS + SLACK_MS);
      for (let probe = 0; probe < 3; probe++) {
        const next = await getCheck(url, checkName);
        expect(next.status).toBe('DOWN');
        expect(next.elapsedMs).toBeLessThan(ORM_TIMEOUT_MS + SLACK_MS);
        await sleep(100);
      }
      // What the database sees: the app's pool, and at most one connection more while frozen.
      const appConnections = proxy!.connections - proxy!.upstreamPorts.length;
      expect(appConnections).toBeLessThanOrEqual(Math.max(before, 1) + 1);

      proxy!.unstall();
      await eventually(
        () => getCheck(url, checkName),
        (check) => check.status === 'UP',
        15_000,
      );
    });

    it("many probes open no connection beyond the app's own pool", async () => {
      const url = await startBehindProxy();
      for (let probe = 0; probe < 20; probe++) expect((await getCheck(url, checkName)).status).toBe('UP');
      expect(proxy!.upstreamPorts.length).toBeGreaterThanOrEqual(1);
      expect(proxy!.upstreamPorts.length).toBeLessThanOrEqual(APP_POOL_SIZE);
    });
  });
}
