/**
 * CLI for the export generator.
 *
 *   npx tsx scripts/generate-export.ts --sample --out sample/telegram-export
 *   npx tsx scripts/generate-export.ts --sample --single [--chat forum] --out /tmp/one-chat
 *   npx tsx scripts/generate-export.ts --out /tmp/big --messages 100000 --media 10000 --dup 0.2 --chats 10 [--seed 1] [--media-bytes 4096] [--single]
 *
 * The output folder is emptied first only with --clean (never implicitly: it could be anything).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateExport, generateSampleExport, type SampleChatKey } from './export-generator';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

function main(): void {
  const out = arg('out');
  if (!out) {
    console.error('usage: generate-export.ts --out <folder> (--sample [--single] [--chat key] | --messages N --media N --dup R --chats N) [--seed N] [--clean]');
    process.exit(2);
  }
  const outDir = path.resolve(out);
  if (flag('clean')) fs.rmSync(outDir, { recursive: true, force: true });
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) {
    console.error(`${outDir} is not empty (pass --clean to empty it first)`);
    process.exit(2);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const seed = arg('seed') !== undefined ? Number(arg('seed')) : undefined;
  const shape = flag('single') ? 'single' : 'account';
  const started = process.hrtime.bigint();
  const stats = flag('sample')
    ? generateSampleExport({ outDir, shape, chat: arg('chat') as SampleChatKey | undefined, seed })
    : generateExport({
        outDir,
        shape,
        messages: Number(arg('messages') ?? 1000),
        mediaFiles: Number(arg('media') ?? 100),
        duplicateRatio: Number(arg('dup') ?? 0.2),
        chats: Number(arg('chats') ?? 3),
        seed: seed ?? 1,
        mediaBytes: arg('media-bytes') !== undefined ? Number(arg('media-bytes')) : undefined,
      });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(
    `${stats.shape} export in ${outDir}: ${stats.chats.length} chats, ${stats.messages} messages, ` +
      `${stats.mediaFiles} media files (${(stats.mediaBytes / 1024).toFixed(0)} KiB), result.json ${(stats.jsonBytes / 1024).toFixed(0)} KiB, ${ms.toFixed(0)} ms`,
  );
}

main();
