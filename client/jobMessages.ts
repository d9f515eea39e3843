/**
 * What a finished import or sync tells the user in its notification. Pure (no VS Code), so the
 * wording is unit-tested; the buttons are the names of the actions the command offers.
 */
import { formatBytes } from '../shared/format';
import type { ImportSummary, SyncSummary } from '../shared/types';

export function importMessage(s: ImportSummary): string {
  const head = s.cancelled ? 'Import cancelled; run it again to resume.' : 'Import finished.';
  const chats = plural(s.chats, 'chat');
  let body: string;
  if (!s.cancelled && !s.messagesWritten && !s.messagesUpdated && !s.mediaCopied) {
    body = `Nothing new in ${chats}: ${plural(s.duplicatesSkipped, 'message')} already archived.`;
  } else {
    body =
      `${chats}, ${plural(s.messagesWritten, 'new message')}` +
      (s.messagesUpdated ? `, ${s.messagesUpdated.toLocaleString('en-US')} updated` : '') +
      (s.duplicatesSkipped ? `, ${s.duplicatesSkipped.toLocaleString('en-US')} already archived` : '') +
      `, ${plural(s.mediaCopied, 'file')} copied` +
      (s.mediaDeduplicated ? ` (${s.mediaDeduplicated.toLocaleString('en-US')} duplicates stored once, ${formatBytes(s.bytesSaved)} saved)` : '') +
      '.';
  }
  const warnings = s.warnings.length ? ` ${plural(s.warnings.length, 'warning')} in the log.` : '';
  return `${head} ${body}${warnings}`;
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/** What a finished sync tells the user, and the buttons that go with it. */
export function syncMessage(summary: SyncSummary): [string, ...string[]] {
  const head = summary.cancelled ? 'Sync cancelled' : 'Sync finished';
  if (!summary.sources.length) return ['No sources to sync yet. Import a Telegram Desktop export first.', 'Import Telegram Desktop Export'];
  const failed = summary.sources.filter((s) => s.error);
  const imported = summary.sources.filter((s) => !s.error && s.note);
  const synced = summary.sources.filter((s) => !s.error && !s.note);
  const added = synced.reduce((n, s) => n + s.itemsAdded, 0);
  if (!failed.length && !synced.length) {
    return [
      `Nothing to sync: ${imported.length === 1 ? 'this chat was' : 'these chats were'} imported from a Telegram Desktop export. Import a newer export to add what is new.`,
      'Import Telegram Desktop Export',
    ];
  }
  const parts = [`${head}: ${added.toLocaleString('en-US')} new item${added === 1 ? '' : 's'}`];
  if (imported.length) parts.push(`${imported.length} imported chat${imported.length === 1 ? '' : 's'} left as they are (import a newer export to update them)`);
  if (failed.length) parts.push(`${failed.length} source${failed.length === 1 ? '' : 's'} failed: ${failed.map((f) => f.error).join('; ')}`);
  return [parts.join('; ') + '.', ...(failed.length ? ['Show Log'] : [])];
}

