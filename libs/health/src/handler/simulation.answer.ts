import { BadRequestException, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { presentedApiKeys } from '../access/api-key-matcher.js';
import { HealthSimulationError } from '../errors/health-simulation.error.js';
import { JSON_CONTENT_TYPE } from '../formats/json/json.format.js';
import type { HealthHttpResponse } from './health-request.handler.js';
import { httpError, noStoreHeaders } from './http-answers.js';
import { redact } from '../redaction/redactor.js';
import type { CheckSimulation } from '../simulation/check-simulation.js';
import { simulationProblems } from '../simulation/check-simulation.js';
import { HealthSimulations } from '../simulation/health-simulations.js';

/**
 * `PUT {path}/checks/:name/simulation` (JSON `{ status, ttlMs?, error? }`) starts or replaces a simulation;
 * `DELETE` ends it. 404 while simulation is off (or has no `simulation.apiKey`), then 401 without the
 * simulation key in `X-Health-Key`, 400 naming a bad field, 404 for an unknown check.
 */
@Injectable()
export class SimulationAnswer {
  constructor(private readonly simulations: HealthSimulations) {}

  async answer(method: string, name: string, body: unknown, headers: Record<string, string | string[] | undefined>): Promise<HealthHttpResponse> {
    if (!this.simulations.enabled || !this.simulations.keys.configured) {
      return httpError(new NotFoundException('Simulation is off: set simulation: { enabled: true, apiKey } in the HealthModule options to serve this route'));
    }
    if (!this.simulations.keys.matches(presentedApiKeys({ 'x-health-key': headers['x-health-key'] }))) {
      return httpError(new UnauthorizedException('A simulation needs the simulation key: send X-Health-Key: <simulation.apiKey>'), {
        'WWW-Authenticate': 'X-Health-Key realm="health-simulation"',
      });
    }
    if (method === 'DELETE') {
      const ended = await this.simulations.end(name, 'DELETE {path}/checks/:name/simulation');
      return this.json({ check: name, simulation: ended ? 'ended' : 'none' });
    }
    const problems = simulationProblems(body);
    if (problems.length > 0) return httpError(new BadRequestException(problems.join('; ')));
    try {
      this.simulations.start(name, body as CheckSimulation);
    } catch (error) {
      if (error instanceof HealthSimulationError) return httpError(new NotFoundException(redact(error.message)));
      throw error;
    }
    return this.json({ ...this.simulations.get(name), simulated: true });
  }

  private json(body: unknown): HealthHttpResponse {
    return { statusCode: 200, headers: noStoreHeaders(JSON_CONTENT_TYPE), body: JSON.stringify(body) };
  }
}
