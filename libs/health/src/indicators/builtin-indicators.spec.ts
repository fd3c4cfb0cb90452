import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_OPTION_KEYS, BUILTIN_OPTION_RULES } from './builtin-indicators.js';

const INDICATORS = dirname(fileURLToPath(import.meta.url));

describe('the built-in list', () => {
  it('lists every indicators/<kind>/<kind>.builtin.ts once, under the option keys users know', async () => {
    const files = readdirSync(INDICATORS, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((folder) =>
        readdirSync(join(INDICATORS, folder.name))
          .filter((file) => file.endsWith('.builtin.ts'))
          .map((file) => `${folder.name}/${file}`),
      );
    const declared: string[] = [];
    for (const file of files) {
      const module = (await import(`./${file.replace(/\.ts$/, '.js')}`)) as Record<string, { option?: unknown; token?: unknown }>;
      for (const value of Object.values(module)) if (typeof value?.option === 'string' && typeof value.token === 'symbol') declared.push(value.option);
    }
    expect([...declared].sort()).toEqual([...BUILTIN_OPTION_KEYS].sort());
    expect(BUILTIN_OPTION_KEYS).toEqual([
      'database',
      'drizzle',
      'prisma',
      'mikroOrm',
      'mongoose',
      'redis',
      'http',
      'remote',
      'disk',
      'memory',
      'eventLoop',
      'microservices',
      'rabbitmq',
      'nats',
      'mqtt',
      'tls',
      'bullmq',
    ]);
  });

  it('gives the options schema a rule for each', () => {
    expect(Object.keys(BUILTIN_OPTION_RULES)).toEqual([...BUILTIN_OPTION_KEYS]);
    expect(BUILTIN_OPTION_RULES.disk({ warnPercent: 99, downPercent: 90 }, 'disk')).toEqual([
      '"disk.warnPercent" (99) must not be above "disk.downPercent" (90)',
    ]);
    expect(BUILTIN_OPTION_RULES.database(true, 'database')).toEqual([]);
  });
});
