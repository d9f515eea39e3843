/**
 * Real-VS Code tests on code-server: (a) the integration suite inside the extension host,
 * (b) the UI test that drives the installed .vsix like a person. Ends with one line
 * `N passed, N failed` and a non-zero exit code when anything failed.
 *
 *   npx tsx test/vscode/run.ts [--only integration|ui] [--extension DIR] [--vsix FILE]
 *                              [--sample DIR] [--results DIR] [--keep]
 *
 * Needs `bash scripts/install-code-server.sh` first (code-server + Chromium), and for the
 * defaults a built extension (`npm run build`) and a package (`npm run package`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runIntegration } from './integration';
import { findTools, repoRoot } from './lib/tools';
import { addTally, runRunner, summaryLine, type Tally } from './lib/util';
import { runUi } from './ui';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      extension: { type: 'string' },
      vsix: { type: 'string' },
      sample: { type: 'string' },
      results: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const only = values.only;
  if (only && only !== 'integration' && only !== 'ui') throw new Error(`--only takes integration or ui, not ${only}`);
  const extensionPath = path.resolve(values.extension ?? repoRoot);
  const vsix = path.resolve(values.vsix ?? path.join(repoRoot, 'vault-archiver.vsix'));
  const sampleExport = values.sample ? path.resolve(values.sample) : undefined;
  const resultsDir = path.resolve(values.results ?? path.join(repoRoot, 'test-results'));
  fs.mkdirSync(resultsDir, { recursive: true });
  const tools = findTools();

  let total: Tally = { passed: 0, failed: 0, skipped: 0 };
  const started = Date.now();
  if (!only || only === 'integration') {
    const manifest = path.join(extensionPath, 'package.json');
    if (!fs.existsSync(manifest)) throw new Error(`no extension at ${extensionPath}`);
    const main = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { main?: string }).main;
    if (main && !fs.existsSync(path.resolve(extensionPath, main)) && !fs.existsSync(path.resolve(extensionPath, `${main}.js`))) {
      throw new Error(`the extension's entry ${main} is not built: run \`npm run build\` first`);
    }
    const t = await runIntegration({ tools, extensionPath, resultsDir, sampleExport, keep: values.keep });
    console.log(`[integration] ${summaryLine(t)}`);
    total = addTally(total, t);
  }
  if (!only || only === 'ui') {
    const t = await runUi({
      tools,
      vsix,
      sampleExport: sampleExport ?? path.join(extensionPath, 'sample', 'telegram-export'),
      resultsDir,
      keep: values.keep,
    });
    console.log(`[ui] ${summaryLine(t)}`);
    total = addTally(total, t);
  }
  console.log(`[vscode] finished in ${Math.round((Date.now() - started) / 1000)} s; results in ${resultsDir}`);
  console.log(summaryLine(total));
  return total.failed > 0 || total.passed === 0 ? 1 : 0;
}

runRunner(main);
