import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

/** One target of the issue, with its figure: the summary table at the end of a run. */
export interface TargetResult {
  scenario: string;
  target: string;
  figure: string;
  met: boolean | undefined;
}

interface Section {
  scenario: string;
  title: string;
  table: string;
  notes: string[];
}

/** Collects what the scenarios measured; prints and writes it as Markdown and JSON. */
export class Report {
  private readonly sections: Section[] = [];
  private readonly targets: TargetResult[] = [];
  private readonly data: Record<string, unknown> = {};
  private readonly startedAt = new Date();
  private readonly loadBefore = loadavg();

  constructor(private readonly quick: boolean) {}

  /** A table of one scenario: `header` names the columns, each row has one cell per column. */
  table(scenario: string, title: string, header: string[], rows: string[][], notes: string[] = []): void {
    const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
    this.sections.push({ scenario, title, table: lines.join('\n'), notes });
    log(`${scenario}: ${title}\n${lines.join('\n')}${notes.map((note) => `\n  - ${note}`).join('')}`);
  }

  target(result: TargetResult): void {
    this.targets.push(result);
  }

  /** Raw figures of a scenario, kept in latest.json (the plot reads them back). */
  record(scenario: string, value: unknown): void {
    this.data[scenario] = value;
  }

  render(): string {
    const cpu = cpus();
    const lines = [
      `# nest-vitals benchmark, ${this.startedAt.toISOString()}${this.quick ? ' (quick run: figures not meaningful)' : ''}`,
      '',
      `machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown'}, ${Math.round(totalmem() / 1024 ** 3)} GB, Node ${process.version}; ` +
        `load average before ${formatLoad(this.loadBefore)}, after ${formatLoad(loadavg())}`,
    ];
    for (const section of this.sections) {
      lines.push('', `## ${section.scenario}: ${section.title}`, '', section.table, ...section.notes.map((note) => `- ${note}`));
    }
    if (this.targets.length) {
      lines.push('', '## Targets', '', '| scenario | target | figure | met? |', '|---|---|---|---|');
      for (const { scenario, target, figure, met } of this.targets) {
        lines.push(`| ${scenario} | ${target} | ${figure} | ${met === undefined ? '—' : met ? 'yes' : '**no**'} |`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  /** Writes latest.md and latest.json into `dir`. */
  write(dir: string): void {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'latest.md'), this.render());
    const json = { startedAt: this.startedAt, quick: this.quick, targets: this.targets, data: this.data };
    writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  }
}

const formatLoad = (values: number[]): string => values.map((value) => value.toFixed(2)).join(' ');

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Number formatting shared by the scenarios' tables. */
export const fmt = {
  rps: (value: number): string => `${Math.round(value).toLocaleString('en-US')} req/s`,
  us: (value: number): string => `${value.toFixed(1)} µs`,
  ms: (value: number): string => (Number.isNaN(value) ? '—' : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`),
  ratio: (value: number): string => `${value.toFixed(3)}×`,
  int: (value: number): string => Math.round(value).toLocaleString('en-US'),
  mb: (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`,
};
