/** Thrown at bootstrap when the probe server (`server: { port, host }`) cannot listen; the message names the option. @publicApi */
export class HealthProbeServerError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message);
    this.name = 'HealthProbeServerError';
    if (cause !== undefined) this.cause = cause;
  }
}
