/**
 * The Telegram Desktop export as a connector: its sources are the chats imports put in the vault
 * (listed from the chat archive's own state), and running it means importing an export folder.
 * A sync has nothing to fetch: a newer export brings a chat up to date, and the result says so.
 */
import type { ImportSummary } from '../../../../shared/types';
import { UserError } from '../../errors';
import { chatIdOfSourceId, telegramChatSourceId } from '../../sources/refs';
import { telegramChatFolder } from '../../vault/layout';
import type { Connector, ConnectorRun, ListedSource, SourceSyncResult } from '../connector';
import type { ImportOptions, ImportedChat } from './importer';

/** What the connector needs from the importer (the real one, or a scripted one in tests). */
export interface ImporterPort {
  importTelegramExport(opts: ImportOptions): Promise<ImportSummary>;
  listImportedChats(vaultRoot: string): Promise<ImportedChat[]>;
  removeImportedChat(vaultRoot: string, chatId: number, deleteNotes: boolean): Promise<void>;
}

export class TelegramExportConnector implements Connector {
  readonly origin = 'telegram-export' as const;
  readonly kind = 'telegram' as const;

  constructor(private readonly importer: ImporterPort) {}

  async list(vaultRoot: string): Promise<ListedSource[]> {
    return (await this.importer.listImportedChats(vaultRoot)).map((chat) => ({
      id: telegramChatSourceId(chat.chatId),
      kind: this.kind,
      origin: this.origin,
      title: chat.title,
      notesPath: telegramChatFolder(chat.folder),
      itemCount: chat.messageCount,
      lastSyncAt: chat.lastImportAt,
      topics: chat.topics.length ? chat.topics : undefined,
    }));
  }

  async remove(source: ListedSource, deleteNotes: boolean, vaultRoot: string): Promise<void> {
    const chatId = chatIdOfSourceId(source.id);
    if (chatId === undefined) throw new UserError(`"${source.id}" is not an imported Telegram chat.`);
    await this.importer.removeImportedChat(vaultRoot, chatId, deleteNotes);
  }

  async sync(source: ListedSource): Promise<SourceSyncResult> {
    return {
      itemsAdded: 0,
      note: `${source.title} was imported from a Telegram Desktop export: import a newer export of it to add what is new.`,
    };
  }

  importFrom(exportPath: string, run: ConnectorRun): Promise<ImportSummary> {
    return this.importer.importTelegramExport({
      exportPath,
      vaultRoot: run.vaultRoot,
      settings: run.settings,
      signal: run.signal,
      metrics: run.metrics,
      onProgress: (p) => run.progress({ percent: p.percent, message: p.message, sourceId: p.chatId === undefined ? undefined : telegramChatSourceId(p.chatId) }),
      onWarning: (w) => run.warn(w),
      log: (level, msg) => run.log(level, msg),
    });
  }
}
