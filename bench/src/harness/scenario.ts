import type { BenchOptions } from './options.js';
import type { Report } from './report.js';

export interface ScenarioContext {
  options: BenchOptions;
  report: Report;
}

/** One benchmark scenario: `npm run bench -- --only <name>` runs it alone. */
export interface Scenario {
  name: string;
  title: string;
  run(context: ScenarioContext): Promise<void>;
}
