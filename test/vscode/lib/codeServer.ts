/**
 * Starts and stops code-server for one test run: loopback only, a free port, throwaway
 * user-data and extensions folders, and (for the integration suite) the smoke-test driver
 * switched on so the workbench honours the `payload` query parameter
 * (extensionDevelopmentPath / extensionTestsPath).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Tools } from './tools';
import { listFiles, tail } from './util';

export interface CodeServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** host:port, as it appears in vscode-remote:// URIs. */
  readonly authority: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** Everything code-server printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** A port the OS just handed out on loopback (closed again before code-server binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * User settings that keep the workbench quiet and the screenshots about the extension:
 * no welcome page, no chat panel, no update or recommendation prompts.
 */
export function writeUserSettings(userDataDir: string): void {
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'security.workspace.trust.enabled': false,
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'git.enabled': false,
    'git.openRepositoryInParentFolders': 'never',
    'files.simpleDialog.enable': true,
  };
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

function baseArgs(userDataDir: string, extensionsDir: string): string[] {
  return ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
}

/** `code-server --install-extension file.vsix` into the given extensions folder. */
export function installExtension(tools: Tools, userDataDir: string, extensionsDir: string, vsix: string): string {
  const result = spawnSync(tools.codeServer, [...baseArgs(userDataDir, extensionsDir), '--install-extension', vsix], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.error) throw new Error(`code-server --install-extension failed: ${result.error.message}\n${output}`);
  if (result.status !== 0) throw new Error(`code-server --install-extension exited ${result.status}:\n${output}`);
  return output;
}

export async function startCodeServer(options: {
  tools: Tools;
  userDataDir: string;
  extensionsDir: string;
  /** Extra environment for code-server and so for its extension host. */
  env?: Record<string, string>;
  /**
   * The smoke-test driver makes the workbench honour the `payload` parameter (needed by the
   * integration suite) but also suppresses notification toasts, so the UI test runs without.
   */
  smokeTestDriver?: boolean;
  timeoutMs?: number;
}): Promise<CodeServer> {
  const { tools, userDataDir, extensionsDir } = options;
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir);
  const port = await freePort();
  // Its own config file, so code-server does not write ~/.config/code-server/config.yaml.
  const configFile = path.join(userDataDir, 'code-server.yaml');
  fs.writeFileSync(configFile, 'auth: none\n');
  const args = [
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...baseArgs(userDataDir, extensionsDir),
  ];
  let output = '';
  // Own process group, so stop() can end code-server together with the extension host and
  // the worker it forked, by this group's id only.
  const child: ChildProcess = spawn(tools.codeServer, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/HTTP server listening on/.test(output)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`code-server exited (${code}) before it was ready:\n${tail(output, 40)}`)));
  });
  let stopped = false;
  const server: CodeServer = {
    url: `http://127.0.0.1:${port}`,
    authority: `127.0.0.1:${port}`,
    userDataDir,
    extensionsDir,
    output: () => output,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode !== null || child.pid === undefined) return;
      const group = -child.pid;
      try {
        process.kill(group, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(group, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5_000);
      await exited;
      clearTimeout(timer);
      // The extension host or worker may outlive the server process by a moment.
      try {
        process.kill(group, 'SIGKILL');
      } catch {
        // the whole group is gone
      }
    },
  };
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`code-server not ready after ${timeoutMs} ms:\n${tail(output, 40)}`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return server;
}

/**
 * The workbench's own logs (server, extension host, the extension's output channel) copied
 * next to the screenshots, with the last lines of the interesting ones returned for the
 * CI log so a failure can be read without the artifacts.
 */
export function collectLogs(server: CodeServer, destination: string, linesPerFile = 60): string {
  fs.mkdirSync(destination, { recursive: true });
  fs.writeFileSync(path.join(destination, 'code-server.out.log'), server.output());
  const logsDir = path.join(server.userDataDir, 'logs');
  let report = `--- code-server output (last lines) ---\n${tail(server.output(), 30)}\n`;
  for (const file of listFiles(logsDir)) {
    const relative = path.relative(logsDir, file);
    const target = path.join(destination, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(file, target);
    // The host's own log, the server's, and the extension's channels; not other extensions'.
    if (/(^|\/)(remoteexthost|exthost|remoteagent)\.log$|vault-archiver|Vault Archiver/i.test(relative)) {
      const text = fs.readFileSync(file, 'utf8');
      if (text.trim()) report += `--- ${relative} (last lines) ---\n${tail(text.trimEnd(), linesPerFile)}\n`;
    }
  }
  return report;
}
