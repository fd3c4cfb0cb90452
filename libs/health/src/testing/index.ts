import type { INestApplicationContext } from '@nestjs/common';
import { HealthSimulations } from '../simulation/health-simulations.js';
import type { CheckSimulation, SimulationRestore } from '../simulation/check-simulation.js';

export type { CheckSimulation, SimulationRestore } from '../simulation/check-simulation.js';
export { HealthSimulationError } from '../errors/health-simulation.error.js';

/**
 * Makes a check of a running test app report `status` until `restore()` (or `ttlMs`, default 5 minutes):
 * probes, groups, metrics, gRPC and logs react as to a real failure, with results marked `simulated`.
 * For the test's own app, so `simulation.enabled` need not be set; the app must import `HealthModule`.
 *
 * @example
 * const restore = await simulateCheck(app, 'database', { status: 'DOWN', error: 'connection refused' });
 * await request(app.getHttpServer()).get('/health/ready').expect(503);
 * await restore();
 * @publicApi
 */
export function simulateCheck(app: INestApplicationContext, name: string, simulation: CheckSimulation): Promise<SimulationRestore> {
  let simulations: HealthSimulations;
  try {
    simulations = app.get(HealthSimulations, { strict: false });
  } catch {
    return Promise.reject(new Error('simulateCheck(app, ...): the app has no HealthModule; import HealthModule.forRoot() in the module the test creates'));
  }
  // A promise, so that a test can `await` it whatever the future holds (the result is already in force).
  return Promise.resolve(simulations.start(name, simulation, true));
}
