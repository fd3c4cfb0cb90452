import type { HealthIndicatorOptions } from '../../interfaces/health-indicator.interface.js';
import { checkName, indicatorFields, requiredUrl, url } from '../../validation/indicator-option-rules.js';
import { shapeOf } from '../../validation/option-rules.js';
import { connectionBuiltin } from '../builtin-kind.js';
import { MqttHealthIndicator } from './mqtt.indicator.js';

/** `mqtt` option of `HealthModule.forRoot`: one MQTT connection of the indicator's own, pinged on every run. @publicApi */
export interface MqttIndicatorOptions extends HealthIndicatorOptions {
  /** Check name. @default 'mqtt' */
  name?: string;
  /** `mqtt://user:password@host:1883`, `mqtts://…`, `ws://…` or `wss://…`. */
  url: string;
}

/** `mqtt`: one MQTT connection of the indicator's own, checked as `mqtt` unless `name` says otherwise. */
export const mqttBuiltin = connectionBuiltin(
  'mqtt',
  'mqtt',
  shapeOf<MqttIndicatorOptions>()({ ...indicatorFields, name: checkName, url: url(['mqtt', 'mqtts', 'ws', 'wss']) }, requiredUrl),
  (section: MqttIndicatorOptions) => new MqttHealthIndicator({ url: section.url }),
);
