/**
 * Where the real-VS Code test tools live: code-server (installed by
 * scripts/install-code-server.sh into a cache outside the repo) and Debian's Chromium.
 * Environment variables override every path so a machine can bring its own.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Tools {
  /** Launcher that runs code-server on Node 24. */
  readonly codeServer: string;
  /** Browser executable Playwright drives; never downloaded by a test tool. */
  readonly chromium: string;
}

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export function toolsFolder(): string {
  return process.env.VAULT_ARCHIVER_TOOLS ?? path.join(os.homedir(), '.cache', 'vault-archiver-tools');
}

/** KEY=value lines written by the install script. */
function readPathsEnv(folder: string): Record<string, string> {
  const file = path.join(folder, 'paths.env');
  if (!fs.existsSync(file)) return {};
  const entries: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) entries[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return entries;
}

export function findTools(): Tools {
  const installed = readPathsEnv(toolsFolder());
  const codeServer = process.env.CODE_SERVER ?? installed.CODE_SERVER ?? path.join(toolsFolder(), 'bin', 'code-server');
  const chromium = process.env.CHROMIUM ?? installed.CHROMIUM ?? '/usr/bin/chromium';
  const missing = [codeServer, chromium].filter((p) => !fs.existsSync(p));
  if (missing.length) {
    throw new Error(
      `missing ${missing.join(', ')}: run \`bash scripts/install-code-server.sh\` first ` +
        '(or set CODE_SERVER / CHROMIUM to existing executables)',
    );
  }
  return { codeServer, chromium };
}
