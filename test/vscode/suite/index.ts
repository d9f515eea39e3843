/**
 * Entry point the extension host loads as `extensionTestsPath` (code-server's payload or
 * @vscode/test-electron): runs every compiled `*.test.js` next to this file with mocha,
 * inside the host, where `vscode` is the real API.
 *
 * Results leave the host two ways, because the harness may not see the host's files or
 * environment in every setup: a JSON file at $VAULT_ARCHIVER_SUITE_RESULTS when set, and
 * one console line starting with RESULT_MARKER (forwarded to the page's codeAutomationLog).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export const RESULT_MARKER = '@@vault-archiver-suite-results ';

export interface SuiteResults {
  passed: number;
  failed: number;
  skipped: number;
  failures: { title: string; error: string }[];
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const files = fs
    .readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .sort();
  for (const name of files) mocha.addFile(path.join(__dirname, name));

  const results: SuiteResults = { passed: 0, failed: 0, skipped: 0, failures: [] };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const line = JSON.stringify(results);
      console.log(RESULT_MARKER + line);
      const file = process.env.VAULT_ARCHIVER_SUITE_RESULTS;
      if (file) fs.writeFileSync(file, line);
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
    runner.on('pass', () => results.passed++);
    runner.on('pending', () => results.skipped++);
    runner.on('fail', (test, error: Error) => {
      results.failed++;
      results.failures.push({ title: test.fullTitle(), error: String(error?.stack ?? error) });
    });
  });
}
