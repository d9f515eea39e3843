/** The CLI's summaries: a few aligned lines for people, one JSON event for scripts. */
import { formatBytes, formatCount, relativeTime } from '../../shared/format';
import type { ImportSummary, SourceInfo, SyncSummary } from '../../shared/types';
import { Exit, type Output } from './output';

/** Nothing could be imported (the input is not an export): the importer marks the summary `failed`. */
function importFailed(s: ImportSummary): boolean {
  return 'failed' in s && s.failed === true;
}

export function importExitCode(s: ImportSummary): number {
  if (s.cancelled) return Exit.cancelled;
  if (importFailed(s)) return Exit.failed;
  return s.warnings.length ? Exit.warnings : Exit.ok;
}

export function printImport(s: ImportSummary, out: Output): void {
  out.event({ event: 'summary', command: 'import', ...s });
  const rate = s.elapsedMs > 0 ? Math.round((s.messagesSeen / s.elapsedMs) * 1000) : s.messagesSeen;
  if (importFailed(s)) {
    out.line('Import failed: nothing could be imported.');
    for (const w of s.warnings.slice(0, 5)) out.line(`  ${w.message}`);
    return;
  }
  out.line(s.cancelled ? 'Import cancelled; run the same command again to resume.' : 'Import finished.');
  const rows: [string, string][] = [
    ['Vault', s.vaultPath],
    ['Chats', `${s.chats}${s.topics ? ` (${s.topics} forum topics)` : ''}`],
    ['Messages', `${s.messagesWritten} new, ${s.messagesUpdated} updated, ${s.duplicatesSkipped} already archived (of ${s.messagesSeen})`],
    ['Attachments', `${s.mediaCopied} copied (${formatBytes(s.bytesCopied)}), ${s.mediaDeduplicated} duplicates stored once (${formatBytes(s.bytesSaved)} saved), ${s.mediaMissing} missing`],
    // Write calls stay in the JSON summary: to a person, only whether notes changed matters.
    ['Notes', s.notesWritten ? `${s.notesWritten} written` : 'none changed'],
    ['Time', `${(s.elapsedMs / 1000).toFixed(2)} s (${rate} messages/s)`],
  ];
  for (const [k, v] of rows) out.line(`  ${k.padEnd(12)} ${v}`);
  if (s.warnings.length) {
    out.line(`  ${'Warnings'.padEnd(12)} ${s.warnings.length}:`);
    for (const w of s.warnings.slice(0, 20)) out.line(`    - ${w.source ? `${w.source}: ` : ''}${w.item !== undefined ? `message ${w.item}: ` : ''}${w.message}`);
    if (s.warnings.length > 20) out.line(`    … and ${s.warnings.length - 20} more (use --json for all)`);
  }
}

export function syncExitCode(s: SyncSummary): number {
  if (s.cancelled) return Exit.cancelled;
  return s.sources.some((r) => r.error) ? Exit.failed : Exit.ok;
}

export function printSync(s: SyncSummary, out: Output): void {
  out.event({ event: 'summary', command: 'sync', ...s });
  if (!s.sources.length) out.line('No sources in this vault yet. Import an export or add a source first.');
  for (const r of s.sources) out.line(`  ${r.id}: ${r.error ? `failed: ${r.error}` : (r.note ?? `${r.itemsAdded} new`)}`);
}

export function printAdded(source: SourceInfo, vault: string, out: Output): void {
  out.event({ event: 'added', source });
  out.line(`Added ${source.title} [${source.id}]. Run: vault-archiver sync --vault ${JSON.stringify(vault)} --source ${source.id}`);
}

export function printMirror(source: SourceInfo, out: Output): void {
  out.event({ event: 'mirror', source });
  out.line(
    source.sheet
      ? `${source.title} will be mirrored into spreadsheet ${source.sheet.spreadsheetId}, tab "${source.sheet.sheetTitle}", from the next sync.`
      : `${source.title} is no longer mirrored to Google Sheets.`,
  );
}

export function printStatus(vault: string, sources: readonly SourceInfo[], out: Output, now = Date.now()): void {
  out.event({ event: 'status', vault, sources });
  out.line(`Vault ${vault}: ${sources.length} source${sources.length === 1 ? '' : 's'}`);
  for (const s of sources) {
    const unit = s.kind === 'telegram' ? 'messages' : 'videos';
    const when = s.lastSyncAt ? `${s.origin === 'telegram-export' ? 'imported' : 'synced'} ${relativeTime(s.lastSyncAt, now)}` : 'never synced';
    out.line(`  ${s.title}  [${s.id}]  ${formatCount(s.itemCount)} ${unit}, ${when}`);
    for (const t of s.topics ?? []) out.line(`    # ${t.title}: ${formatCount(t.itemCount)} messages`);
  }
}
