import type { ModuleRef } from '@nestjs/core';
import {
  EXECUTION_SETTINGS,
  type HealthIndicatorCheck,
  type HealthIndicatorMetadata,
  type HealthIndicatorOptions,
} from '../interfaces/health-indicator.interface.js';
import type { OptionRule } from '../validation/option-rules.js';

/** A built-in indicator switched on from the module options, ready to register. */
export interface BuiltinIndicator {
  instance: HealthIndicatorCheck;
  metadata: HealthIndicatorMetadata;
  /** e.g. `HealthModule.forRoot({ redis })`, for error messages. */
  source: string;
}

/**
 * One built-in, as its `<kind>.builtin.ts` declares it. `create` runs in the kind's factory provider, so Nest
 * owns the value and calls its lifecycle hooks (`onModuleInit`, `onApplicationBootstrap`,
 * `onApplicationShutdown`); `register` runs at module init, when every provider of the app exists (a
 * DataSource or a client provider to look up).
 */
export interface BuiltinDefinition<Option extends string, Section, Value> {
  /** Its key in `HealthModuleOptions` (`forRoot({ <option>: ... })`). */
  option: Option;
  /** The rule its section is validated with at bootstrap; a problem names the option path and what is accepted. */
  rule: OptionRule;
  /** The value its provider holds, from its section (`undefined` when absent); `null` when off. */
  create(section: Section | undefined): Value | null;
  /** The indicators to register, from that value. */
  register(value: Value, section: Section, moduleRef: ModuleRef): BuiltinIndicator[] | Promise<BuiltinIndicator[]>;
}

/** A built-in with its value type erased, so that built-ins of different values fit in one list. */
export interface BuiltinKind<Option extends string = string, Section = unknown> {
  readonly option: Option;
  readonly rule: OptionRule;
  /** The token of its factory provider. */
  readonly token: symbol;
  create(section: unknown): unknown;
  register(value: unknown, section: unknown, moduleRef: ModuleRef): BuiltinIndicator[] | Promise<BuiltinIndicator[]>;
  /** The type of its section in `HealthModuleOptions`: a type only, never set. */
  readonly section?: Section;
}

/** Declares a built-in: its option key, rule, provider value and registration. */
export function defineBuiltin<const Option extends string, Section, Value>(
  definition: BuiltinDefinition<Option, Section, Value>,
): BuiltinKind<Option, Section> {
  return {
    option: definition.option,
    rule: definition.rule,
    token: Symbol(`nest-vitals:builtin:${definition.option}`),
    create: (section) => definition.create(section as Section | undefined),
    register: (value, section, moduleRef) => definition.register(value as Value, section as Section, moduleRef),
  };
}

/** The settings of an options section that go to the registry (the rest configures the indicator). */
const REGISTRY_SETTINGS = ['probes', 'critical', 'tags', ...EXECUTION_SETTINGS] as const satisfies readonly (keyof HealthIndicatorOptions)[];

/** One indicator to register under `name`, with the registry settings of its section. */
export function builtinEntry(instance: HealthIndicatorCheck, name: string, section: HealthIndicatorOptions, source: string): BuiltinIndicator {
  const metadata: HealthIndicatorMetadata = { name };
  for (const key of REGISTRY_SETTINGS) {
    if (section[key] !== undefined) Object.assign(metadata, { [key]: section[key] });
  }
  return { instance, metadata, source };
}

/** `true` switches a built-in on with its defaults; `false`/absent leaves it off. */
export function sectionOf<T extends HealthIndicatorOptions>(value: boolean | T | undefined): T | undefined {
  if (value === true) return {} as T;
  return value === false || value === undefined ? undefined : value;
}

/** A built-in of one indicator under a fixed name, switched on with `true` or an options object. */
export function singleBuiltin<const Option extends string, S extends HealthIndicatorOptions>(
  option: Option,
  name: string,
  rule: OptionRule,
  create: (section: S) => HealthIndicatorCheck,
): BuiltinKind<Option, boolean | S> {
  return defineBuiltin({
    option,
    rule,
    create: (value: boolean | S | undefined) => {
      const section = sectionOf(value);
      return section ? create(section) : null;
    },
    register: (instance, value) => [builtinEntry(instance, name, sectionOf(value)!, `HealthModule.forRoot({ ${option} })`)],
  });
}

/** A built-in of one connection of the indicator's own, named by the section's `name` or a default. */
export function connectionBuiltin<const Option extends string, S extends HealthIndicatorOptions & { name?: string }>(
  option: Option,
  defaultName: string,
  rule: OptionRule,
  create: (section: S) => HealthIndicatorCheck,
): BuiltinKind<Option, S> {
  return defineBuiltin({
    option,
    rule,
    create: (section: S | undefined) => (section ? create(section) : null),
    register: (instance, section) => [builtinEntry(instance, section.name ?? defaultName, section, `HealthModule.forRoot({ ${option} })`)],
  });
}

/** A built-in of named entries (`http: { payments: {...} }`), one indicator each under its key. */
export function namedBuiltin<const Option extends string, S extends HealthIndicatorOptions>(
  option: Option,
  rule: OptionRule,
  create: (section: S, name: string) => BuiltinIndicator,
): BuiltinKind<Option, Record<string, S>> {
  return defineBuiltin({
    option,
    rule,
    create: (sections: Record<string, S> | undefined) => (sections ? Object.entries(sections).map(([name, section]) => create(section, name)) : null),
    register: (entries) => entries,
  });
}
