/**
 * Compiles the in-host suite (test/vscode/suite) with esbuild into a folder of plain
 * CommonJS files the extension host can load from anywhere: mocha is bundled into the
 * index, `vscode` stays external (the host provides it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

export const suiteSourceDir = path.join(__dirname, 'suite');

/** Builds into `outDir`; returns the absolute path of the compiled index.js. */
export async function buildSuite(outDir: string): Promise<string> {
  fs.mkdirSync(outDir, { recursive: true });
  const tests = fs
    .readdirSync(suiteSourceDir)
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => path.join(suiteSourceDir, name));
  await esbuild.build({
    entryPoints: [path.join(suiteSourceDir, 'index.ts'), ...tests],
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode'],
    logLevel: 'error',
  });
  return path.join(outDir, 'index.js');
}
