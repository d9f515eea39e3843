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
  // GramJS's websocket dependency requires these native speed-ups unconditionally: the worker and
  // the CLI, which load GramJS, get the packages' own pure-JS fallbacks instead (no native addon).
  alias: { bufferutil: 'bufferutil/fallback.js', 'utf-8-validate': 'utf-8-validate/fallback.js' },
};

/**
 * GramJS is about a megabyte minified, and every byte of a bundle is read and compiled when it
 * starts, though only a command that talks to Telegram needs it (an import, `status` or a YouTube
 * sync never does). So the worker and the CLI take `telegram` and its subpaths from one vendor
 * bundle beside them, dist/gramjs.js, required when live Telegram code first runs (that code is
 * imported lazily: parts.ts, lazyAccount.ts, the live connector).
 */
// big-integer too: GramJS checks its TL longs with instanceof, so they must come from its copy.
// qrcode draws `login --qr`'s codes: needed only when signing in to Telegram, it travels with GramJS.
const GRAMJS_MODULES = ['telegram', 'telegram/sessions', 'telegram/network', 'telegram/extensions/Logger', 'telegram/crypto/RSA', 'telegram/Password', 'big-integer', 'qrcode'];
/** @type {import('esbuild').Plugin} */
const gramjsBeside = {
  name: 'gramjs-beside',
  setup(build) {
    build.onResolve({ filter: /^(telegram(\/.*)?|big-integer|qrcode)$/ }, (args) => ({ path: args.path, namespace: 'gramjs' }));
    build.onLoad({ filter: /.*/, namespace: 'gramjs' }, (args) => {
      if (!GRAMJS_MODULES.includes(args.path)) {
        return { errors: [{ text: `${args.path} is not in dist/gramjs.js: add it to GRAMJS_MODULES in scripts/build.mjs` }] };
      }
      return { contents: `module.exports = require('./gramjs.js')[${JSON.stringify(args.path)}];`, loader: 'js' };
    });
    build.onResolve({ filter: /^\.\/gramjs\.js$/, namespace: 'gramjs' }, () => ({ path: './gramjs.js', external: true }));
  },
};
const gramjsVendor = `module.exports = {${GRAMJS_MODULES.map((m) => `${JSON.stringify(m)}: require(${JSON.stringify(m)})`).join(', ')}};`;

/**
 * Packages a command needs only when it uses them are loaded at their first use, not at start-up:
 * Google's clients (with gaxios, node-fetch, google-auth-library: about 400 KB, and node:http,
 * https and http2 loaded with them) live in a vendor bundle beside, dist/google.js, and SQLite
 * (compiled from WebAssembly when its module runs) stays in the bundle behind the same kind of stub.
 * A CLI import needs none of them: it starts 100-200 ms sooner. The stub's exports are getters, and
 * esbuild's ES-module interop reads an export only where the code uses it, so nothing is loaded
 * before a YouTube call or a search. Each stub exports the names the real module has (read here).
 */
const GOOGLE_MODULES = ['@googleapis/youtube', '@googleapis/sheets'];
const LAZY_IN_BUNDLE = ['node-sqlite3-wasm'];
const requireHere = createRequire(import.meta.url);
/** A module whose every export is loaded from `load` on first read. */
function lazyStub(load, names) {
  const getters = names.map((n) => `Object.defineProperty(exports, ${JSON.stringify(n)}, { enumerable: true, get: () => load()[${JSON.stringify(n)}] });`);
  return `let loaded; function load() { return (loaded ??= ${load}); }\n${getters.join('\n')}\n`;
}
/** @type {import('esbuild').Plugin} */
const loadWhenUsed = {
  name: 'load-when-used',
  setup(build) {
    const lazy = [...GOOGLE_MODULES, ...LAZY_IN_BUNDLE];
    const filter = new RegExp(`^(${lazy.map((m) => m.replace(/[/.-]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => (args.namespace === 'lazy-stub' ? undefined : { path: args.path, namespace: 'lazy-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-stub' }, (args) => {
      const names = Object.keys(requireHere(args.path));
      const load = GOOGLE_MODULES.includes(args.path) ? `require('./google.js')[${JSON.stringify(args.path)}]` : `require(${JSON.stringify(args.path)})`;
      return { contents: lazyStub(load, names), loader: 'js', resolveDir: process.cwd() };
    });
    build.onResolve({ filter: /^\.\/google\.js$/, namespace: 'lazy-stub' }, () => ({ path: './google.js', external: true }));
  },
};
const googleVendor = `module.exports = {${GOOGLE_MODULES.map((m) => `${JSON.stringify(m)}: require(${JSON.stringify(m)})`).join(', ')}};`;

const entries = [
  { entryPoints: ['client/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  { entryPoints: ['server/server.ts'], outfile: 'dist/server.js', plugins: [gramjsBeside, loadWhenUsed] },
  { entryPoints: ['server/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [gramjsBeside, loadWhenUsed] },
  { stdin: { contents: gramjsVendor, resolveDir: '.', loader: 'js' }, outfile: 'dist/gramjs.js' },
  { stdin: { contents: googleVendor, resolveDir: '.', loader: 'js' }, outfile: 'dist/google.js' },
  // The media pipeline's file work runs in this worker thread (server/engine/media/workerBackend.ts).
  { entryPoints: ['server/engine/media/mediaWorker.ts'], outfile: 'dist/mediaWorker.js' },
  // A whole search index build reads the notes in this worker thread (server/engine/search/readerThread.ts).
  { entryPoints: ['server/engine/search/readerWorker.ts'], outfile: 'dist/searchReader.js' },
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
