import type { HealthIndicatorOptions } from '../health-indicator.interface.js';

/** `rabbitmq` option of `HealthModule.forRoot`: one AMQP connection of the indicator's own, pinged on every run. @publicApi */
export interface RabbitMqIndicatorOptions extends HealthIndicatorOptions {
  /** Check name. @default 'rabbitmq' */
  name?: string;
  /** `amqp://user:password@host:5672/vhost` or `amqps://…`. */
  url: string;
}
