import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { HealthModule } from 'nest-vitals';
import { startApp } from './support/http-app.js';
import { scriptedIndicator, type ScriptedAnswer } from './support/indicators.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test/artifacts');
const COLOURS: Record<string, string> = { UP: 'rgb(26, 127, 55)', DEGRADED: 'rgb(154, 103, 0)', DOWN: 'rgb(207, 34, 46)' };
/** The page keeps this many runs per check. */
const HISTORY_RUNS = 30;

/** The DOM element API the page functions use (the tests compile without the DOM lib). */
interface PageElement {
  getAttribute(name: string): string | null;
}
type PageWindow = { getComputedStyle(element: unknown): { backgroundColor: string } };

let app: INestApplication | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 30_000,
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
}, 30_000);

describe('the HTML status page shows the recent runs of each check (headless Chromium)', () => {
  it('draws one strip per check with its last 30 runs in their colours, times on hover, and the last transition', async () => {
    const flaky = scriptedIndicator('flaky', { critical: false });
    const steady = scriptedIndicator('steady');
    const started = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [flaky, steady] });
    app = started.app;

    // 34 runs through the JSON report, flapping; the page itself is the 35th (UP). The page keeps the last 30.
    const script: ScriptedAnswer[] = Array.from({ length: 34 }, (_, run) => (['up', 'up', 'down', 'degraded', 'down'] as const)[run % 5]);
    for (const answer of script) {
      flaky.answer = answer;
      const response = await fetch(`${started.url}/health`);
      await response.arrayBuffer();
    }
    flaky.answer = 'up';
    const expectedFlaky = [...script, 'up'].slice(-HISTORY_RUNS).map((answer) => answer.toUpperCase());

    const context = await browser!.newContext({ viewport: { width: 1400, height: 700 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const requested: string[] = [];
    const consoleErrors: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    try {
      const response = await page.goto(`${started.url}/health`);
      expect(response!.status()).toBe(200);
      expect({ flaky: flaky.runs, steady: steady.runs }).toEqual({ flaky: 35, steady: 35 });

      // One strip per check.
      const strips = page.locator('tr[data-check] .strip');
      expect(await strips.count()).toBe(2);
      const cellsOf = async (check: string) => {
        const cells = page.locator(`tr[data-check="${check}"] .strip .run`);
        return {
          titles: await cells.evaluateAll((elements: PageElement[]) => elements.map((element) => element.getAttribute('title') ?? '')),
          colours: await cells.evaluateAll((elements: unknown[]) =>
            elements.map((element) => (globalThis as unknown as PageWindow).getComputedStyle(element).backgroundColor),
          ),
        };
      };
      const flakyCells = await cellsOf('flaky');
      expect(flakyCells.titles).toHaveLength(HISTORY_RUNS);
      expect(flakyCells.titles.map((title) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC · (UP|DEGRADED|DOWN) · \d+ ms$/.exec(title)?.[1])).toEqual(expectedFlaky);
      expect(flakyCells.colours).toEqual(expectedFlaky.map((status) => COLOURS[status]));
      // The run times on hover go forward.
      const times = flakyCells.titles.map((title) => Date.parse(title.slice(0, 19).replace(' ', 'T') + 'Z'));
      expect(times).toEqual([...times].sort((a, b) => a - b));

      const steadyCells = await cellsOf('steady');
      expect(steadyCells.colours).toEqual(Array.from({ length: HISTORY_RUNS }, () => COLOURS.UP));

      // The time of the last transition: flaky went DOWN -> UP on the page's own run; steady has been UP since its first.
      await expect(page.locator('tr[data-check="flaky"] .since').innerText()).resolves.toMatch(/^UP since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(\d+ s ago\)$/);
      await expect(page.locator('tr[data-check="steady"] .since').innerText()).resolves.toMatch(/^UP since /);

      // Self-contained: nothing requested but the page, nothing blocked by its Content-Security-Policy.
      expect(requested).toEqual([`${started.url}/health`]);
      expect(consoleErrors).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'health-status-page-history.png'), fullPage: true });
      await page.locator('tr[data-check="flaky"]').screenshot({ path: join(ARTIFACTS, 'health-status-page-flapping-check.png') });
    } finally {
      await context.close();
    }
  }, 90_000);
});
