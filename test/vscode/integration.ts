/**
 * (a) Extension integration tests inside code-server's extension host.
 *
 * Compiles test/vscode/suite, starts code-server with the smoke-test driver, and opens the
 * workbench with a `payload` that loads the extension from its folder
 * (extensionDevelopmentPath) and the suite (extensionTestsPath). The host runs mocha, then
 * exits; the page hands us its console lines (codeAutomationLog) and exit code
 * (codeAutomationExit, 0 = all passed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { buildSuite } from './buildSuite';
import { openBrowser, type BrowserSession } from './lib/browser';
import { collectLogs, startCodeServer, type CodeServer } from './lib/codeServer';
import type { Tools } from './lib/tools';
import { makeTempDir, removeDir, withTimeout, type Tally } from './lib/util';
import { RESULT_MARKER, type SuiteResults } from './suite/index';

export interface IntegrationOptions {
  tools: Tools;
  /** The extension folder (package.json + dist/) to test; the repository root normally. */
  extensionPath: string;
  /** Screenshots and logs of a failure go here. */
  resultsDir: string;
  /** A different sample export than <extensionPath>/sample/telegram-export. */
  sampleExport?: string;
  /** Keep the temp folders (workspace, user data) for a look afterwards. */
  keep?: boolean;
  timeoutMs?: number;
}

function remoteUri(server: CodeServer, absolutePath: string): string {
  return `vscode-remote://${server.authority}${absolutePath}`;
}

export async function runIntegration(options: IntegrationOptions): Promise<Tally> {
  const tmp = makeTempDir('integration');
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  const resultsFile = path.join(tmp, 'suite-results.json');
  const log = (line: string): void => console.log(`[integration] ${line}`);

  let server: CodeServer | undefined;
  let browser: BrowserSession | undefined;
  const hostLines: string[] = [];
  let exitLogs: { relativePath: string; contents: string }[] = [];
  let tally: Tally = { passed: 0, failed: 0, skipped: 0 };
  let problem: string | undefined;
  try {
    const index = await buildSuite(path.join(tmp, 'suite-out'));
    log(`suite compiled to ${path.dirname(index)}`);
    server = await startCodeServer({
      tools: options.tools,
      userDataDir: path.join(tmp, 'user-data'),
      extensionsDir: path.join(tmp, 'extensions'),
      smokeTestDriver: true,
      env: {
        VAULT_ARCHIVER_SUITE_RESULTS: resultsFile,
        ...(options.sampleExport ? { VAULT_ARCHIVER_SAMPLE_EXPORT: options.sampleExport } : {}),
      },
    });
    log(`code-server at ${server.url}`);
    browser = await openBrowser(options.tools);
    const { page } = browser;

    let reportExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (reportExit = resolve));
    await page.exposeFunction('codeAutomationLog', (type: string, message: unknown) => {
      const text = formatHostMessage(message);
      hostLines.push(`[${type}] ${text}`);
      // The host's mocha output (spec reporter) is what a reader of the CI log wants; the
      // marketplace lookups that fail offline are expected and only noise there.
      const noise = /ENOTFOUND|open-vsx|marketplace|authentication provider 'github'/.test(text);
      if (type !== 'trace' && type !== 'debug' && !noise && !text.startsWith(RESULT_MARKER)) {
        console.log(text.replace(/^/gm, '  | '));
      }
    });
    await page.exposeFunction('codeAutomationExit', (code: number, logs?: { relativePath: string; contents: string }[]) => {
      exitLogs = Array.isArray(logs) ? logs : [];
      reportExit(code);
    });

    const payload = [
      ['extensionDevelopmentPath', remoteUri(server, options.extensionPath)],
      ['extensionTestsPath', remoteUri(server, index)],
      ['skipWelcome', 'true'],
    ];
    const url =
      `${server.url}/?folder=${encodeURIComponent(workspace)}` +
      `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    log('opening the workbench with the test payload');
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const code = await withTimeout(exited, options.timeoutMs ?? 300_000, 'the extension host to finish the suite');
    log(`extension host exited with code ${code}`);

    const results = readResults(resultsFile, [...hostLines, ...browser.console()]);
    if (results) {
      tally = { passed: results.passed, failed: results.failed, skipped: results.skipped };
      for (const failure of results.failures) log(`FAILED ${failure.title}\n${failure.error}`);
      if (code !== 0 && results.failed === 0) {
        problem = `the host exited ${code} although no test failed`;
        tally.failed++;
      }
    } else {
      problem = `the suite reported no results (host exit code ${code}): it did not load or crashed`;
      tally.failed++;
    }
  } catch (error) {
    problem = String(error instanceof Error ? error.stack ?? error.message : error);
    tally.failed++;
  } finally {
    if (problem) log(`PROBLEM: ${problem}`);
    if ((problem || tally.failed > 0) && server) {
      const logDir = path.join(options.resultsDir, 'integration-logs');
      if (browser) {
        await browser.page
          .screenshot({ path: path.join(options.resultsDir, 'integration-failure.png'), timeout: 10_000 })
          .catch(() => undefined);
        fs.mkdirSync(logDir, { recursive: true });
        fs.writeFileSync(path.join(logDir, 'browser-console.log'), browser.console().join('\n'));
      }
      fs.mkdirSync(logDir, { recursive: true });
      fs.writeFileSync(path.join(logDir, 'host-console.log'), hostLines.join('\n'));
      for (const entry of exitLogs) {
        const target = path.join(logDir, 'workbench', entry.relativePath);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, entry.contents);
      }
      console.log(collectLogs(server, logDir));
      log(`logs and a screenshot are in ${options.resultsDir}`);
    }
    await browser?.close();
    await server?.stop();
    if (options.keep) log(`kept ${tmp}`);
    else removeDir(tmp);
  }
  return tally;
}

/** The host forwards console calls as the JSON of their arguments (format string first). */
function formatHostMessage(message: unknown): string {
  let args: unknown = message;
  if (typeof message === 'string') {
    try {
      args = JSON.parse(message);
    } catch {
      return message;
    }
  }
  return Array.isArray(args) ? util.format(...(args as unknown[])) : String(args);
}

function readResults(file: string, lines: string[]): SuiteResults | undefined {
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteResults;
  for (const line of lines) {
    const at = line.indexOf(RESULT_MARKER);
    if (at >= 0) return JSON.parse(line.slice(at + RESULT_MARKER.length)) as SuiteResults;
  }
  return undefined;
}
