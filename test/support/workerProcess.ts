/**
 * Starts the built worker (dist/server.js) as the extension does — a forked Node process on an
 * IPC channel — and returns a JSON-RPC connection to it, so tests exercise the real transport.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  createProtocolConnection,
  IPCMessageReader,
  IPCMessageWriter,
  InitializeRequest,
  InitializedNotification,
  ShutdownRequest,
  ExitNotification,
  type ProtocolConnection,
  type ServerCapabilities,
} from 'vscode-languageserver-protocol/node';
import { SecretRequests, defaultSettings, type InitializationOptions, type WorkerSettings } from '../../shared/protocol';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const serverBundle = path.join(repoRoot, 'dist', 'server.js');

export interface WorkerHandle {
  readonly connection: ProtocolConnection;
  readonly child: ChildProcess;
  /** What the worker declared in its initialize result. */
  readonly capabilities: ServerCapabilities;
  /** Everything the worker logged (window/logMessage). */
  readonly logs: string[];
  /** The client side's SecretStorage: what the worker read (archive/getSecret) and stored (archive/setSecret). */
  readonly secrets: Partial<Record<SecretRequests.SecretName, string>>;
  stop(): Promise<number | null>;
}

export interface WorkerStartOptions {
  trusted?: boolean;
  settings?: Partial<WorkerSettings>;
  /** Added to the worker's environment (e.g. VAULT_ARCHIVER_GOOGLE_ROOT_URL for the sandbox). */
  env?: NodeJS.ProcessEnv;
  /** What the client side answers to the worker's archive/getSecret requests, as SecretStorage would. */
  secrets?: Partial<Record<SecretRequests.SecretName, string>>;
}

export async function startWorker(workspaceRoot: string, opts: WorkerStartOptions = {}): Promise<WorkerHandle> {
  if (!fs.existsSync(serverBundle)) throw new Error(`${serverBundle} is missing: run "npm run build" first.`);
  const child = fork(serverBundle, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, ...opts.env } });
  const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  const logs: string[] = [];
  connection.onNotification('window/logMessage', (p: { message: string }) => {
    logs.push(p.message);
  });
  connection.onRequest('window/workDoneProgress/create', () => null);
  const secrets: Partial<Record<SecretRequests.SecretName, string>> = { ...opts.secrets };
  connection.onRequest(SecretRequests.get, ({ name }) => secrets[name] ?? null);
  connection.onRequest(SecretRequests.set, ({ name, value }) => {
    if (value === null) delete secrets[name];
    else secrets[name] = value;
  });
  connection.listen();
  const init: InitializationOptions = {
    workspaceRoot,
    settings: { ...defaultSettings, ...opts.settings },
    trusted: opts.trusted ?? true,
  };
  const initialized = await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    workspaceFolders: null,
    initializationOptions: init,
  });
  await connection.sendNotification(InitializedNotification.type, {});
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    connection,
    child,
    capabilities: initialized.capabilities,
    logs,
    secrets,
    async stop() {
      if (child.exitCode === null) {
        await connection.sendRequest(ShutdownRequest.type);
        await connection.sendNotification(ExitNotification.type);
      }
      const code = await exited;
      connection.dispose();
      return code;
    },
  };
}
