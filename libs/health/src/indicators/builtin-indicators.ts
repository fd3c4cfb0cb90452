/*
 * The built-in indicators, one kind per option (`database`, `redis`, `http`, `disk`, ...), and the
 * machinery that switches them on from the module options.
 *
 * Adding a built-in (a made-up `ping` here) touches three files:
 *   1. `indicators/ping/ping.indicator.ts`: a `@HealthIndicator('ping')` class, `check({ signal, indicator })`;
 *      a timeout is the runner's (pass `signal` to the I/O); an optional peer goes through `loadOptionalPeer`;
 *      defaults the class applies itself (it can be used on its own) are constants beside it. When the client
 *      tells of its connection (ioredis `close`/`end`/`ready`, a broker's disconnect/reconnect, a transport's
 *      status stream), keep the context's `recheck` from the last run and call it from those events: the
 *      check re-runs at once instead of waiting for the next refresh.
 *   2. `indicators/ping/ping.builtin.ts`: its options type (`PingIndicatorOptions extends HealthIndicatorOptions`,
 *      with JSDoc and `@default`s), its rule (composed from `validation/indicator-option-rules.ts`; a bad value
 *      stops startup naming the option), the defaults its wiring applies, and the wiring itself:
 *      `singleBuiltin` (one check, `true` or an object), `connectionBuiltin` (one connection of its own, named by
 *      `name`), `namedBuiltin` (entries keyed by check name) or `defineBuiltin` (anything else: `create` makes
 *      the value Nest holds, `register` returns the indicators once the app's providers exist).
 *   3. Here: one line in `BUILTINS`. The option key joins `HealthModuleOptions`, its rule the options schema,
 *      its provider the module, and its checks the registry, from this list.
 * For users: export the class and options type from `index.ts`, a section in docs/builtins.md, a row in docs/options.md and a CHANGELOG line.
 */
import type { Provider } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { OptionRule } from '../validation/option-rules.js';
import type { BuiltinIndicator, BuiltinKind } from './builtin-kind.js';
import { bullmqBuiltin } from './bullmq/bullmq.builtin.js';
import { databaseBuiltin } from './database/database.builtin.js';
import { drizzleBuiltin } from './drizzle/drizzle.builtin.js';
import { mikroOrmBuiltin } from './mikro-orm/mikro-orm.builtin.js';
import { mongooseBuiltin } from './mongoose/mongoose.builtin.js';
import { prismaBuiltin } from './prisma/prisma.builtin.js';
import { diskBuiltin } from './disk/disk.builtin.js';
import { eventLoopBuiltin } from './event-loop/event-loop.builtin.js';
import { httpBuiltin } from './http/http.builtin.js';
import { memoryBuiltin } from './memory/memory.builtin.js';
import { microservicesBuiltin } from './microservices/microservices.builtin.js';
import { mqttBuiltin } from './mqtt/mqtt.builtin.js';
import { natsBuiltin } from './nats/nats.builtin.js';
import { rabbitmqBuiltin } from './rabbitmq/rabbitmq.builtin.js';
import { redisBuiltin } from './redis/redis.builtin.js';
import { remoteBuiltin } from './remote/remote.builtin.js';
import { tlsBuiltin } from './tls/tls.builtin.js';

export type { BuiltinIndicator } from './builtin-kind.js';

/** Every built-in, in the order their checks are reported. */
const BUILTINS = [
  databaseBuiltin,
  drizzleBuiltin,
  prismaBuiltin,
  mikroOrmBuiltin,
  mongooseBuiltin,
  redisBuiltin,
  httpBuiltin,
  remoteBuiltin,
  diskBuiltin,
  memoryBuiltin,
  eventLoopBuiltin,
  microservicesBuiltin,
  rabbitmqBuiltin,
  natsBuiltin,
  mqttBuiltin,
  tlsBuiltin,
  bullmqBuiltin,
] as const;

type Builtin = (typeof BUILTINS)[number];

/** The built-ins' keys of `HealthModuleOptions`, each with its section's type (`database?: boolean | DatabaseIndicatorOptions`, ...). */
export type BuiltinIndicatorOptions = { [B in Builtin as B['option']]?: NonNullable<B['section']> };

/** The option key of every built-in. */
export const BUILTIN_OPTION_KEYS: readonly Builtin['option'][] = BUILTINS.map((builtin) => builtin.option);

/** The rule of each built-in's section, by its option key: the options schema validates them with the rest. */
export const BUILTIN_OPTION_RULES: Record<Builtin['option'], OptionRule> = Object.fromEntries(
  BUILTINS.map((builtin) => [builtin.option, builtin.rule]),
) as Record<Builtin['option'], OptionRule>;

const KINDS: readonly BuiltinKind[] = BUILTINS;

/** Whether a provider token is a built-in kind's: the explorer registers those from the options, not as `@HealthIndicator` providers. */
export const isBuiltinIndicatorToken = (token: unknown): boolean => KINDS.some((kind) => kind.token === token);

/** The section of a built-in in the options (validated by then). */
const sectionIn = (options: object, kind: BuiltinKind): unknown => (options as Record<string, unknown>)[kind.option];

/**
 * The factory providers of every built-in, injecting the resolved options under `optionsToken`; each holds
 * its value (Nest calls its lifecycle hooks), or null when off.
 */
export function builtinIndicatorProviders(optionsToken: symbol): Provider[] {
  return KINDS.map((kind) => ({
    provide: kind.token,
    useFactory: (options: object) => kind.create(sectionIn(options, kind)),
    inject: [optionsToken],
  }));
}

/**
 * The built-ins the options switch on, read from their providers. Problems only the running app
 * can reveal (an unknown DataSource name, a missing client provider or package) throw
 * `HealthOptionsError` naming the option.
 */
export async function builtinIndicators(options: object, moduleRef: ModuleRef): Promise<BuiltinIndicator[]> {
  const found: BuiltinIndicator[] = [];
  for (const kind of KINDS) {
    const value: unknown = moduleRef.get(kind.token);
    if (value !== null) found.push(...(await kind.register(value, sectionIn(options, kind), moduleRef)));
  }
  return found;
}
