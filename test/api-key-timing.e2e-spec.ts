import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { HealthIndicator, HealthIndicatorService, HealthModule } from 'nest-vitals';
import { ADAPTERS, startApp } from './support/http-app.js';

const KEY = 'k7Qw2Zp9Lm4Xr8Tn3Vb6Yc1Hd5Gf0Js2';
const VARIANTS: Record<string, string> = {
  right: KEY,
  'wrong, same length, last character differs': `${KEY.slice(0, -1)}3`,
  'wrong, 1 character': 'x',
  'wrong, 4096 characters': 'y'.repeat(4096),
};
const WARMUP_ROUNDS = 40;
const ROUNDS = 250;

@HealthIndicator('instant')
class InstantIndicator {
  constructor(private readonly health: HealthIndicatorService) {}
  check() {
    return this.health.check('instant').up();
  }
}

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

function shuffle<T>(items: T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}

describe.each(ADAPTERS)('API key comparison on %s', (adapter) => {
  it('takes as long with a wrong key, of any length, as with the right one', async () => {
    ({ app } = await startApp({ imports: [HealthModule.forRoot({ apiKey: KEY })], providers: [InstantIndicator] }, { adapter }));
    const url = `${await app.getUrl().then((address) => address.replace('[::1]', '127.0.0.1'))}/health/ready`;
    const timings: Record<string, number[]> = Object.fromEntries(Object.keys(VARIANTS).map((name) => [name, []]));

    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      // Interleaved in random order, so drift (GC, JIT, a busy machine) hits every variant alike.
      for (const name of shuffle(Object.keys(VARIANTS))) {
        const started = performance.now();
        const response = await fetch(url, { headers: { 'X-Health-Key': VARIANTS[name] } });
        const body = (await response.json()) as Record<string, unknown>;
        const elapsed = performance.now() - started;
        expect(response.status).toBe(200);
        expect('details' in body).toBe(name === 'right');
        if (round >= WARMUP_ROUNDS) timings[name].push(elapsed);
      }
    }

    const medians = Object.fromEntries(Object.entries(timings).map(([name, values]) => [name, median(values)]));
    console.log(
      `${adapter}: median ms over ${ROUNDS} requests each: ${JSON.stringify(medians, (_key, value: unknown) => (typeof value === 'number' ? Number(value.toFixed(3)) : value))}`,
    );
    const right = medians.right;
    for (const [name, value] of Object.entries(medians)) {
      const ratio = Math.max(value, right) / Math.min(value, right);
      const differenceMs = Math.abs(value - right);
      // Generous, for slow shared machines: within 50 % or within 2 ms of each other.
      expect({ name, similar: ratio < 1.5 || differenceMs < 2 }).toEqual({ name, similar: true });
    }
  });
});
