import type { HealthIndicatorOptions } from '../../interfaces/health-indicator.interface.js';
import { checkName, indicatorFields, requiredUrl, url } from '../../validation/indicator-option-rules.js';
import { shapeOf } from '../../validation/option-rules.js';
import { connectionBuiltin } from '../builtin-kind.js';
import { RabbitMqHealthIndicator } from './rabbitmq.indicator.js';

/** `rabbitmq` option of `HealthModule.forRoot`: one AMQP connection of the indicator's own, pinged on every run. @publicApi */
export interface RabbitMqIndicatorOptions extends HealthIndicatorOptions {
  /** Check name. @default 'rabbitmq' */
  name?: string;
  /** `amqp://user:password@host:5672/vhost` or `amqps://…`. */
  url: string;
}

/** `rabbitmq`: one AMQP connection of the indicator's own, checked as `rabbitmq` unless `name` says otherwise. */
export const rabbitmqBuiltin = connectionBuiltin(
  'rabbitmq',
  'rabbitmq',
  shapeOf<RabbitMqIndicatorOptions>()({ ...indicatorFields, name: checkName, url: url(['amqp', 'amqps']) }, requiredUrl),
  (section: RabbitMqIndicatorOptions) => new RabbitMqHealthIndicator({ url: section.url }),
);
