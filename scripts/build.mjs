// Bundles the three entry points with esbuild. The client keeps `vscode` external (the host
// provides it); the worker and the CLI carry everything they need so the .vsix has no node_modules.
import * as esbuild from 'esbuild';

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
  external: [],
  // Native addons GramJS's `websocket` dependency requires unconditionally (loading the bundle
  // fails without them): pure-JS stand-ins instead, since addons are never shipped.
  alias: { bufferutil: './scripts/shims/bufferutil.cjs', 'utf-8-validate': './scripts/shims/utf-8-validate.cjs' },
};

const entries = [
  { entryPoints: ['client/extension.ts'], outfile: 'dist/client.js', external: [...common.external, 'vscode'] },
  { entryPoints: ['server/server.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['server/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The media pipeline's file work runs in this worker thread (server/engine/media/workerBackend.ts).
  { entryPoints: ['server/engine/media/mediaWorker.ts'], outfile: 'dist/mediaWorker.js' },
];

const contexts = await Promise.all(entries.map((e) => esbuild.context({ ...common, ...e })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
