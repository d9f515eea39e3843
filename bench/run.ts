/**
 * Benchmark runner: `npm run bench` runs every scenario in bench/scenarios/, or
 * `npm run bench -- --scenario NAME` one of them (`--quick` shrinks sizes for a smoke run).
 * Each scenario measures itself against baselines in the same run and returns its figures;
 * this runner prints a table and writes bench/results/<scenario>.json.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

export interface BenchContext {
  /** A fresh scratch folder for the scenario, removed afterwards. */
  readonly workDir: string;
  readonly quick: boolean;
  log(msg: string): void;
}

export type Figures = Record<string, number | string>;
type Scenario = { run(ctx: BenchContext): Promise<Figures> };

const root = path.resolve(__dirname, '..');

async function scenarioNames(): Promise<string[]> {
  const files = await fs.readdir(path.join(root, 'bench', 'scenarios'));
  return files.filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
}

function parse(argv: string[]): { scenarios: string[]; quick: boolean } {
  const scenarios: string[] = [];
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--scenario') scenarios.push(argv[++i] ?? '');
    else if (argv[i]?.startsWith('--scenario=')) scenarios.push(argv[i]!.slice('--scenario='.length));
    else if (argv[i] === '--quick') quick = true;
    else throw new Error(`Unknown argument ${argv[i]}. Use --scenario NAME and/or --quick.`);
  }
  return { scenarios, quick };
}

async function main(): Promise<void> {
  const { scenarios: asked, quick } = parse(process.argv.slice(2));
  const known = await scenarioNames();
  const unknown = asked.filter((s) => !known.includes(s));
  if (unknown.length) throw new Error(`No scenario ${unknown.join(', ')}. Known: ${known.join(', ')}.`);
  const names = asked.length ? asked : known;
  const resultsDir = path.join(root, 'bench', 'results');
  await fs.mkdir(resultsDir, { recursive: true });
  const tables: string[] = [];
  for (const name of names) {
    const workDir = await fs.mkdtemp(path.join(os.tmpdir(), `va-bench-${name}-`));
    const started = Date.now();
    try {
      const scenario = (await import(path.join(root, 'bench', 'scenarios', `${name}.ts`))) as Scenario;
      const figures = await scenario.run({ workDir, quick, log: (m) => process.stderr.write(`[${name}] ${m}\n`) });
      const record = { scenario: name, quick, date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, ...figures };
      await fs.writeFile(path.join(resultsDir, `${name}.json`), JSON.stringify(record, null, 2) + '\n');
      tables.push(table(name, figures, Date.now() - started));
    } finally {
      await fs.rm(workDir, { recursive: true, force: true });
    }
  }
  process.stdout.write(tables.join('\n') + '\n');
}

function table(name: string, figures: Figures, ms: number): string {
  const rows = Object.entries(figures).map(([k, v]) => [k, typeof v === 'number' ? fmt(v) : v] as const);
  const w = Math.max(6, ...rows.map(([k]) => k.length));
  return [`Scenario ${name} (${(ms / 1000).toFixed(1)} s)`, `  ${'figure'.padEnd(w)}  value`, ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`)].join('\n');
}

function fmt(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(n < 10 ? 3 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
