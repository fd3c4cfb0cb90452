import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startNode, waitForOutput, type RunningProcess } from './support/processes.js';

const CHROMIUM = '/usr/bin/chromium';
const SAMPLE_MAIN = join(process.cwd(), 'dist/apps/sample/apps/sample/src/main.js');
const ARTIFACTS = join(process.cwd(), 'test/artifacts');
const API_KEY = 'browser-e2e-key';

/** The DOM element API the page functions use (the tests compile without the DOM lib). */
interface DataCheckElement {
  getAttribute(name: string): string | null;
}

/** A free port in 17100–17199, the range this suite may use. */
async function freePort(): Promise<number> {
  for (let port = 17100; port <= 17199; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 17100-17199');
}

let sample: RunningProcess | undefined;
let browser: Browser | undefined;
let sqliteDir: string;
let base: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does)`);
  if (!existsSync(SAMPLE_MAIN)) throw new Error(`${SAMPLE_MAIN} is missing: build the sample app first (npx nest build sample; npm test does it as pretest)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  sqliteDir = mkdtempSync(join(tmpdir(), 'nest-vitals-browser-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  sample = startNode([SAMPLE_MAIN], { PORT: String(port), SQLITE_PATH: join(sqliteDir, 'notes.sqlite'), HEALTH_API_KEY: API_KEY, NODE_ENV: 'test' });
  await waitForOutput(sample, /listening on/, 30_000);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 30_000,
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await sample?.stop();
  rmSync(sqliteDir, { recursive: true, force: true });
}, 30_000);

describe('in a browser (headless Chromium) against the running sample app', () => {
  it('Swagger UI: expand the readiness route, authorize, Try it out, Execute; the 200 answer and its schema show', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 1400 } });
    page.setDefaultTimeout(15_000);
    try {
      await page.goto(`${base}/docs`);
      const ready = page.locator('.opblock-get', { has: page.locator('.opblock-summary-path', { hasText: /^\/health\/ready$/ }) });
      await ready.locator('.opblock-summary').first().click();
      expect(ready.locator('.opblock-body')).toBeTruthy();

      // The documented responses: 200 with HealthReportDto as its schema, in every representation.
      const documented200 = ready.locator('tr.response[data-code="200"]');
      await documented200.waitFor();
      const mediaTypes = await documented200.locator('.response-control-media-type select option').allTextContents();
      expect(mediaTypes).toEqual(['application/json', 'application/health+json', 'text/plain', 'text/html']);
      await documented200.locator('button[data-name="model"]').click();
      await expect(documented200.locator('.model-box').first().innerText()).resolves.toContain('HealthReportDto');

      // Swagger UI's Authorize dialog fills X-Health-Key from the documented security scheme.
      await page.locator('.auth-wrapper .authorize').click();
      const scheme = page.locator('.auth-container', { hasText: 'health-api-key' });
      await scheme.locator('input').fill(API_KEY);
      await scheme.locator('button.authorize').click();
      await page.locator('.modal-ux .btn-done, .modal-ux .close-modal').first().click();

      await ready.locator('.try-out__btn').click();
      await ready.locator('.execute').click();
      const live = ready.locator('.live-responses-table');
      const status = live.locator('tr.response .response-col_status');
      await status.waitFor();
      await expect(status.innerText()).resolves.toMatch(/^200/);
      const bodyText = await live.locator('tr.response .response-col_description pre').first().innerText();
      const body = JSON.parse(bodyText) as { status: string; details: Record<string, unknown> };
      expect(['UP', 'DEGRADED']).toContain(body.status);
      expect(Object.keys(body.details)).toEqual(expect.arrayContaining(['database', 'notes-store']));
      await expect(live.innerText()).resolves.toContain('application/json');

      await ready.screenshot({ path: join(ARTIFACTS, 'swagger-ready-executed.png') });
    } catch (error) {
      await page.screenshot({ path: join(ARTIFACTS, 'swagger-failure.png'), fullPage: true });
      throw error;
    } finally {
      await page.close();
    }
  }, 60_000);

  it('the HTML status page: one row per check, a coloured banner, nothing loaded from elsewhere', async () => {
    const expected = (await (await fetch(`${base}/health`, { headers: { 'X-Health-Key': API_KEY } })).json()) as {
      status: string;
      details: Record<string, unknown>;
    };
    const context = await browser!.newContext({ extraHTTPHeaders: { 'X-Health-Key': API_KEY }, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    try {
      const response = await page.goto(`${base}/health`);
      expect(response!.status()).toBe(200);
      expect(response!.headers()['content-type']).toBe('text/html; charset=utf-8');
      const rows = page.locator('tbody tr[data-check]');
      expect((await rows.evaluateAll((elements: DataCheckElement[]) => elements.map((element) => element.getAttribute('data-check')))).sort()).toEqual(
        Object.keys(expected.details).sort(),
      );
      for (const name of Object.keys(expected.details)) {
        // Check, status, critical, duration, last checked, message, recent runs.
        const cells = await page.locator(`tr[data-check="${name}"] > *`).allInnerTexts();
        expect(cells).toHaveLength(7);
        expect(await page.locator(`tr[data-check="${name}"] .strip .run`).count()).toBeGreaterThanOrEqual(1);
      }
      const banner = page.locator('header.banner');
      await expect(banner.locator('.status').innerText()).resolves.toBe(expected.status);
      // Runs in the page; the test's TypeScript has no DOM lib.
      type PageWindow = { getComputedStyle(element: unknown): { backgroundColor: string } };
      const colour = await banner.evaluate((element) => (globalThis as unknown as PageWindow).getComputedStyle(element).backgroundColor);
      expect(colour).toBe(expected.status === 'UP' ? 'rgb(26, 127, 55)' : 'rgb(154, 103, 0)');
      await expect(page.locator('dl').innerText()).resolves.toContain('nest-vitals-sample');
      expect(requested.filter((url) => url !== `${base}/health`)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'health-status-page.png'), fullPage: true });

      // Without the key the page shows the banner only.
      const anonymous = await browser!.newPage();
      await anonymous.goto(`${base}/health`);
      await expect(anonymous.locator('header.banner .status').innerText()).resolves.toBe(expected.status);
      expect(await anonymous.locator('tbody tr').count()).toBe(0);
      await anonymous.screenshot({ path: join(ARTIFACTS, 'health-status-page-anonymous.png') });
      await anonymous.close();
    } finally {
      await context.close();
    }
  }, 60_000);
});
