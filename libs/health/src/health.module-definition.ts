import { ConfigurableModuleBuilder, type DynamicModule, type Type, type ValueProvider } from '@nestjs/common';
import { createHealthController } from './controllers/health.controller.js';
import { HEALTH_DEFAULTS } from './options/health-options.defaults.js';
import { HEALTH_OPENAPI_ENABLED, RESOLVED_HEALTH_OPTIONS } from './options/health-options.token.js';
import type { HealthModuleExtras } from './interfaces/health-module-options.interface.js';
import type { HealthModuleOptions } from './options/health-module-options.js';
import { documentHealthController } from './openapi/health-openapi.js';
import { healthModuleOptionsSchema } from './options/health-options.schema.js';
import { HealthOptionsError } from './errors/health-options.error.js';
import { resolveHealthOptions } from './options/health-options.resolver.js';
import { describeValue } from './validation/option-rules.js';
import { HealthRequestHandler } from './handler/health-request.handler.js';
import { HealthProbeServer, type HealthProbeServerSettings } from './probe-server/health-probe.server.js';
import { HEALTH_MOUNT, type HealthMount } from './settings/health-mount.js';

/** The extras' keys: read when the module is defined, stripped from the options. */
const EXTRAS = ['isGlobal', 'path', 'openapi', 'decorators', 'server'] as const;

/** Problems with the extras, in the options validator's words. `forRoot` hands its options along with them: only the extras are read. */
function extrasProblems(extras: HealthModuleExtras): string[] {
  const { isGlobal, path, openapi, decorators, server } = extras;
  const problems = healthModuleOptionsSchema({ isGlobal, path, openapi, server }, '');
  if (decorators === undefined) return problems;
  if (!Array.isArray(decorators)) problems.push(`"decorators" must be an array of class decorators; got ${describeValue(decorators)}`);
  else {
    decorators.forEach((decorator, index) => {
      if (typeof decorator !== 'function') problems.push(`"decorators[${index}]" must be a class decorator (a function); got ${describeValue(decorator)}`);
    });
  }
  return problems;
}

/**
 * The options provider of one import. It waits for that import's controller to be documented for
 * Swagger (started when the module was defined), so the document is complete before any route exists.
 */
function resolvedOptionsProvider(documented: Promise<void>) {
  return {
    provide: RESOLVED_HEALTH_OPTIONS,
    useFactory: async (options: HealthModuleOptions | null | undefined) => {
      // forRoot() passes {}; only a forRootAsync factory can yield nothing, usually a forgotten `return`.
      if (options === undefined || options === null) {
        throw new HealthOptionsError([`HealthModule.forRootAsync: the factory returned ${String(options)}; return an options object ({} for the defaults)`]);
      }
      const misplaced = typeof options === 'object' ? EXTRAS.filter((key) => key in options) : [];
      if (misplaced.length > 0) {
        throw new HealthOptionsError(
          misplaced.map(
            (key) =>
              `"${key}" is read when the module is defined: give it beside useFactory, HealthModule.forRootAsync({ ${key}: ..., useFactory }), not in the options the factory returns`,
          ),
        );
      }
      const resolved = resolveHealthOptions(options);
      await documented;
      return resolved;
    },
    inject: [MODULE_OPTIONS_TOKEN],
  };
}

/**
 * The group names of `forRoot` options, known when the module is defined; `undefined` under `forRootAsync`,
 * whose options exist only once its factory has run (after the document may have been built).
 */
function staticGroupNames(definition: DynamicModule): string[] | undefined {
  const provider = definition.providers?.find(
    (candidate): candidate is ValueProvider<HealthModuleOptions> =>
      typeof candidate === 'object' && 'provide' in candidate && candidate.provide === MODULE_OPTIONS_TOKEN && 'useValue' in candidate,
  );
  const groups = provider?.useValue?.groups;
  return groups && typeof groups === 'object' ? Object.keys(groups) : undefined;
}

/**
 * The probe server of one import: a factory provider, so Nest creates it (listening) with the
 * module's providers and calls its lifecycle hooks.
 */
function probeServerProvider(settings: HealthProbeServerSettings, mount: HealthMount) {
  return {
    provide: HealthProbeServer,
    useFactory: async (handler: HealthRequestHandler) => {
      const server = await HealthProbeServer.listen(handler, settings);
      mount.boundPort = server.address().port;
      return server;
    },
    inject: [HealthRequestHandler],
  };
}

/**
 * Adds this import's controller (or, with `server`, its probe server instead), options provider and
 * global flag to the module definition. `server` is read here, with `path`, because whether the
 * controller is mounted must be known before any options factory runs.
 */
function defineRoutes(definition: DynamicModule, extras: HealthModuleExtras): DynamicModule {
  const problems = extrasProblems(extras);
  if (problems.length > 0) throw new HealthOptionsError(problems);
  const path = (extras.path ?? HEALTH_DEFAULTS.path).replace(/^\/+/, '');
  const where: HealthMount = { path, ...(extras.server ? { server: extras.server } : {}) };
  const mount = { provide: HEALTH_MOUNT, useValue: where };
  const openapi = { provide: HEALTH_OPENAPI_ENABLED, useValue: extras.openapi !== false };
  if (extras.server) {
    return {
      ...definition,
      global: extras.isGlobal === true,
      providers: [
        ...(definition.providers ?? []),
        resolvedOptionsProvider(Promise.resolve()),
        probeServerProvider({ ...extras.server, path }, where),
        mount,
        openapi,
      ],
      exports: [...(definition.exports ?? []), HealthProbeServer],
    };
  }
  const controller: Type = createHealthController({ path, decorators: extras.decorators ?? [] });
  where.controller = controller;
  const documented = extras.openapi === false ? Promise.resolve() : documentHealthController(controller, staticGroupNames(definition));

  return {
    ...definition,
    global: extras.isGlobal === true,
    controllers: [...(definition.controllers ?? []), controller],
    providers: [...(definition.providers ?? []), resolvedOptionsProvider(documented), mount, openapi],
  };
}

export const {
  ConfigurableModuleClass: ConfigurableHealthModule,
  MODULE_OPTIONS_TOKEN,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<HealthModuleOptions>({ moduleName: 'Health' })
  .setClassMethodName('forRoot')
  .setExtras<HealthModuleExtras>({ isGlobal: false, path: 'health', openapi: true, decorators: [], server: undefined }, defineRoutes)
  .build();
