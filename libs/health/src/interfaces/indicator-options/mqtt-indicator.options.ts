import type { HealthIndicatorOptions } from '../health-indicator.interface.js';

/** `mqtt` option of `HealthModule.forRoot`: one MQTT connection of the indicator's own, pinged on every run. @publicApi */
export interface MqttIndicatorOptions extends HealthIndicatorOptions {
  /** Check name. @default 'mqtt' */
  name?: string;
  /** `mqtt://user:password@host:1883`, `mqtts://…`, `ws://…` or `wss://…`. */
  url: string;
}
