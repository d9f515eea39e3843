// Bundles the three entry points with esbuild. The client keeps `vscode` external (the host
// provides it); the worker and the CLI carry everything they need so the .vsix has no node_modules.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node', // vscode-languageclient/node only has a `node` export condition
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  // Optional native speed-ups pulled in by GramJS's websocket dependency: never shipped.
  external: ['bufferutil', 'utf-8-validate'],
};

const entries = [
  { entryPoints: ['client/extension.ts'], outfile: 'dist/client.js', external: [...common.external, 'vscode'] },
  { entryPoints: ['server/server.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['server/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The media pipeline's file work runs in this worker thread (server/engine/media/workerBackend.ts).
  { entryPoints: ['server/engine/media/mediaWorker.ts'], outfile: 'dist/mediaWorker.js' },
];

// SQLite (the search index) is WebAssembly that node-sqlite3-wasm loads from beside the script:
// the bundles in dist/ find it there.
mkdirSync('dist', { recursive: true });
const sqliteJs = createRequire(import.meta.url).resolve('node-sqlite3-wasm');
copyFileSync(path.join(path.dirname(sqliteJs), 'node-sqlite3-wasm.wasm'), 'dist/node-sqlite3-wasm.wasm');

const contexts = await Promise.all(entries.map((e) => esbuild.context({ ...common, ...e })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
