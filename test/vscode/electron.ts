/**
 * The same in-host suite (test/vscode/suite) on a desktop VS Code through
 * @vscode/test-electron, for machines that have one. Nothing is downloaded: the runner needs
 * VSCODE_EXECUTABLE_PATH (e.g. /usr/share/code/code, or on macOS
 * ".../Visual Studio Code.app/Contents/MacOS/Electron"); without it, it says so and skips.
 * On a Linux machine without a display run it under xvfb-run.
 *
 *   VSCODE_EXECUTABLE_PATH=/usr/share/code/code npx tsx test/vscode/electron.ts [--extension DIR] [--keep]
 *
 * Ends with one line `N passed, N failed` (or `0 passed, 0 failed, 1 skipped`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runTests } from '@vscode/test-electron';
import { buildSuite } from './buildSuite';
import { repoRoot } from './lib/tools';
import { makeTempDir, removeDir, runRunner, summaryLine, type Tally } from './lib/util';
import type { SuiteResults } from './suite/index';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      extension: { type: 'string' },
      sample: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const executable = process.env.VSCODE_EXECUTABLE_PATH;
  if (!executable) {
    console.log(
      '[electron] skipped: VSCODE_EXECUTABLE_PATH is not set. This runner uses a desktop VS Code that is ' +
        'already installed (it never downloads one); point VSCODE_EXECUTABLE_PATH at its executable. ' +
        'On this kind of machine use `npx tsx test/vscode/run.ts` (code-server) instead.',
    );
    console.log(summaryLine({ passed: 0, failed: 0, skipped: 1 }));
    return 0;
  }
  if (!fs.existsSync(executable)) throw new Error(`VSCODE_EXECUTABLE_PATH=${executable} does not exist`);

  const extensionPath = path.resolve(values.extension ?? repoRoot);
  const tmp = makeTempDir('electron');
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  const resultsFile = path.join(tmp, 'suite-results.json');
  let tally: Tally = { passed: 0, failed: 0, skipped: 0 };
  try {
    const index = await buildSuite(path.join(tmp, 'suite-out'));
    let exitCode: number;
    try {
      exitCode = await runTests({
        vscodeExecutablePath: executable,
        extensionDevelopmentPath: extensionPath,
        extensionTestsPath: index,
        extensionTestsEnv: {
          VAULT_ARCHIVER_SUITE_RESULTS: resultsFile,
          ...(values.sample ? { VAULT_ARCHIVER_SAMPLE_EXPORT: path.resolve(values.sample) } : {}),
        },
        // test-electron adds --no-sandbox, --disable-updates, --skip-welcome,
        // --skip-release-notes and --disable-workspace-trust itself.
        launchArgs: [
          workspace,
          '--user-data-dir', path.join(tmp, 'user-data'),
          '--extensions-dir', path.join(tmp, 'extensions'),
          '--disable-gpu',
        ],
      });
    } catch (error) {
      // runTests rejects when the host exits non-zero; the results file says why.
      console.log(`[electron] ${error instanceof Error ? error.message : String(error)}`);
      exitCode = 1;
    }
    if (fs.existsSync(resultsFile)) {
      const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as SuiteResults;
      tally = { passed: results.passed, failed: results.failed, skipped: results.skipped };
      for (const failure of results.failures) console.log(`[electron] FAILED ${failure.title}\n${failure.error}`);
      if (exitCode !== 0 && tally.failed === 0) tally.failed++;
    } else {
      console.log(`[electron] the suite reported no results (exit code ${exitCode}): it did not load or crashed`);
      tally.failed++;
    }
  } finally {
    if (values.keep) console.log(`[electron] kept ${tmp}`);
    else removeDir(tmp);
  }
  console.log(summaryLine(tally));
  return tally.failed > 0 || tally.passed === 0 ? 1 : 0;
}

runRunner(main);
