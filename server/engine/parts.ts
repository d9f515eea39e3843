/**
 * The production engine parts the worker and the CLI share: the real importer and a fresh
 * metrics accumulator. Tests build ArchiveService with their own parts instead.
 */
import type { ImporterPort, MetricsPort } from './archiveService';
import { MetricsRecorder } from './metrics';
import { importTelegramExport, listImportedChats, removeImportedChat } from './connectors/telegram-export';

export function createEngineParts(): { importer: ImporterPort; metrics: MetricsPort } {
  return {
    importer: { importTelegramExport, listImportedChats, removeImportedChat },
    metrics: new MetricsRecorder(),
  };
}
