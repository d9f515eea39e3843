/**
 * The production engine parts the worker and the CLI share: every connector, in listing
 * priority, and a fresh metrics accumulator. Tests build ArchiveService with their own parts
 * (createConnectors takes a scripted importer).
 */
import type { Connector } from './connectors/connector';
import { RecordedSourcesConnector } from './connectors/recorded';
import { importTelegramExport, listImportedChats, removeImportedChat } from './connectors/telegram-export';
import { type ImporterPort, TelegramExportConnector } from './connectors/telegram-export/connector';
import { MetricsRecorder } from './metrics';
import type { LockAcquirer, MetricsPort } from './service/archiveService';
import { parseTelegramRef, parseYouTubeRef, telegramSourceId, youTubeSourceId } from './sources/refs';
import { TELEGRAM_DIR, YOUTUBE_DIR } from './vault/layout';
import { type VaultFs, nodeVaultFs } from './vault/vaultFs';
import { vaultLockAcquirer } from './vault/vaultLock';

export const realImporter: ImporterPort = { importTelegramExport, listImportedChats, removeImportedChat };

export function createConnectors(importer: ImporterPort = realImporter, fs: VaultFs = nodeVaultFs): Connector[] {
  return [
    // First: a chat imported from an export is that chat, whatever else names it.
    new TelegramExportConnector(importer),
    new RecordedSourcesConnector({
      kind: 'telegram',
      origin: 'telegram-live',
      notesDir: TELEGRAM_DIR,
      fs,
      parse: (ref) => {
        const parsed = parseTelegramRef(ref);
        return { id: telegramSourceId(parsed), title: parsed.form === 'username' ? `@${parsed.value}` : String(parsed.value) };
      },
      unavailable: (title) => `${title}: Telegram live sync is not available yet. Import a Telegram Desktop export of this chat instead.`,
    }),
    new RecordedSourcesConnector({
      kind: 'youtube',
      origin: 'youtube',
      notesDir: YOUTUBE_DIR,
      fs,
      parse: (ref) => {
        const parsed = parseYouTubeRef(ref);
        return { id: youTubeSourceId(parsed), title: parsed.form === 'handle' ? `@${parsed.value}` : parsed.value };
      },
      unavailable: (title) => `${title}: YouTube sync is not available yet.`,
    }),
  ];
}

/** The worker's parts: a job waits for another process (the CLI from cron, a second window) to finish with the vault. */
export function createEngineParts(): { connectors: Connector[]; metrics: MetricsPort; acquireLock: LockAcquirer } {
  return { connectors: createConnectors(), metrics: new MetricsRecorder(), acquireLock: vaultLockAcquirer({ holder: 'VS Code (Vault Archiver)', wait: true }) };
}
