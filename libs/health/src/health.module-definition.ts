import { ConfigurableModuleBuilder, Inject } from '@nestjs/common';
import type { HealthModuleOptions } from './interfaces/health-module-options.interface.js';
import { RESOLVED_HEALTH_OPTIONS } from './health.constants.js';
import { HealthOptionsError } from './errors/health-options.error.js';
import { boolean } from './options/option-rules.js';

export const {
  ConfigurableModuleClass: ConfigurableHealthModule,
  MODULE_OPTIONS_TOKEN,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<HealthModuleOptions>({ moduleName: 'Health' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => {
    // Nest strips extras from the options, so the options validator never sees isGlobal: check it here.
    const problems = extras.isGlobal === undefined ? [] : boolean(extras.isGlobal, 'isGlobal');
    if (problems.length > 0) throw new HealthOptionsError(problems);
    return { ...definition, global: extras.isGlobal === true };
  })
  .build();

/** Token of the options exactly as given to `forRoot` / returned by `forRootAsync`'s factory. @publicApi */
export const HEALTH_MODULE_OPTIONS = MODULE_OPTIONS_TOKEN;

/** Injects the validated options, defaults filled in. @publicApi */
export const InjectHealthOptions = () => Inject(RESOLVED_HEALTH_OPTIONS);
