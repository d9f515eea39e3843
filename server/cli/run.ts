/**
 * Runs one vault command (import, sync, status) on the same engine the extension's worker drives:
 * checks the folders named on the command line, builds an ArchiveService whose writers take the
 * vault lock (vault/vaultLock.ts; the service acquires it around each writing job, so the CLI
 * never takes it itself), and turns Ctrl-C into a cancellation that leaves the vault consistent.
 */
import * as fs from 'node:fs/promises';
import { settingsFrom } from '../../shared/settings';
import { sharedWorkerBackend } from '../engine/media';
import { createEngineParts, processEnvironment } from '../engine/parts';
import { ArchiveService } from '../engine/service/archiveService';
import { vaultLockAcquirer } from '../engine/vault/vaultLock';
import type { CliArgs, VaultCommand } from './args';
import { Exit, type Output } from './output';
import { checkVault } from './paths';
import { runSearch } from './search';
import { importExitCode, printAdded, printMirror, printImport, printStatus, printSync, syncExitCode } from './report';

type VaultArgs = Extract<CliArgs, { command: VaultCommand }>;

const BUSY_ADVICE = 'Wait for it to finish, or run with --wait.';

export async function runVaultCommand(args: VaultArgs, out: Output): Promise<number> {
  // An import copies files in the media worker thread: booting it takes longer than everything
  // before the first file (checks, the lock, the state folder), so it starts now, alongside.
  if (args.command === 'import') sharedWorkerBackend().warm();
  // Status and sync read what is there: a vault that does not exist is a typo, not an empty vault.
  const vault = await checkVault(fs, args.vault, args.command !== 'import' && args.command !== 'add');
  if (args.command === 'search') return runSearch(vault, args.query ?? '', args.limit, out);
  // The Telegram session file is refused when it lies inside this vault.
  const parts = createEngineParts(processEnvironment(process.env, vault));
  const service = new ArchiveService({
    // The CLI names the vault itself: it is its own "workspace".
    workspaceRoot: vault,
    settings: settingsFrom({ ...args.settings, vaultFolder: '.' }),
    trusted: true,
    fs,
    connectors: parts.connectors,
    metrics: parts.metrics,
    acquireLock: vaultLockAcquirer({ holder: `vault-archiver ${args.command}`, wait: args.wait, busyAdvice: BUSY_ADVICE }),
    events: {
      sourcesChanged: () => undefined,
      metrics: () => undefined,
      health: () => undefined,
      // Warnings are listed in the summary; only errors are worth interrupting the progress for.
      log: (level, message) => {
        if (level === 'error') out.problem(message);
      },
    },
  });
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(Exit.cancelled);
    out.done();
    if (!out.json) process.stderr.write('\nCancelling… (press Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const hooks = {
    signal: controller.signal,
    onProgress: (percent: number, message: string) => out.progress(percent, message),
    onWaitForLock: (holder: string) => out.waiting(holder),
  };
  try {
    switch (args.command) {
      case 'import': {
        const summary = await service.importExport(args.exportPath ?? '', hooks);
        out.done();
        printImport(summary, out);
        return importExitCode(summary);
      }
      case 'add': {
        // Telegram chats are named with "telegram:" (@username, t.me link or chat id) or by a t.me link.
        const ref = args.ref ?? '';
        const telegram = /^telegram:/i.test(ref) || /^(https?:\/\/)?(t|telegram)\.me\//i.test(ref);
        const source = await service.addSource(telegram ? 'telegram' : 'youtube', ref.replace(/^telegram:/i, ''));
        printAdded(source, vault, out);
        return Exit.ok;
      }
      case 'mirror': {
        const off = args.spreadsheet?.trim().toLowerCase() === 'none';
        // One after another: each is a small write of sources.json; a mistake stops at that source.
        for (const id of args.refs ?? [args.ref ?? '']) printMirror(await service.setSourceSheet(id, off ? null : (args.spreadsheet ?? ''), args.tab), out);
        return Exit.ok;
      }
      case 'sync': {
        const summary = await service.sync(args.sources.length ? args.sources : undefined, hooks);
        out.done();
        printSync(summary, out);
        return syncExitCode(summary);
      }
      case 'status': {
        printStatus(vault, await service.listSources(), out);
        return Exit.ok;
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    await service.shutdown();
    await closeTelegram(parts.telegram);
  }
}

/** The Telegram client a sync opened: closed completely, so no GramJS timer keeps the CLI running. */
async function closeTelegram(account: { close(): Promise<void> } | undefined): Promise<void> {
  await account?.close();
}
