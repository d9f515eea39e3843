import assert from 'node:assert/strict';
import { importMessage, syncMessage } from '../../../client/jobMessages';
import type { ImportSummary, SyncSummary } from '../../../shared/types';

const imported = (over: Partial<ImportSummary>): ImportSummary =>
  ({
    chats: 8,
    messagesWritten: 0,
    messagesUpdated: 0,
    duplicatesSkipped: 0,
    mediaCopied: 0,
    mediaDeduplicated: 0,
    bytesSaved: 0,
    warnings: [],
    cancelled: false,
    ...over,
  }) as ImportSummary;

describe('job messages', () => {
  it('a first import says what it added, and where the warnings are', () => {
    const text = importMessage(imported({ messagesWritten: 301, mediaCopied: 27, mediaDeduplicated: 6, bytesSaved: 2355, warnings: [{ message: 'a' }, { message: 'b' }] as ImportSummary['warnings'] }));
    assert.equal(text, 'Import finished. 8 chats, 301 new messages, 27 files copied (6 duplicates stored once, 2.3 KB saved). 2 warnings in the log.');
  });

  it('a re-import with nothing new says so instead of listing zeros', () => {
    assert.equal(importMessage(imported({ duplicatesSkipped: 301 })), 'Import finished. Nothing new in 8 chats: 301 messages already archived.');
    assert.match(importMessage(imported({ cancelled: true, chats: 1, messagesWritten: 1 })), /^Import cancelled; run it again to resume\. 1 chat, 1 new message, 0 files copied\.$/);
  });

  it('a sync of imported chats only points at a newer export, not "0 new items"', () => {
    const s: SyncSummary = { cancelled: false, elapsedMs: 1, sources: [{ id: 'telegram:1', itemsAdded: 0, note: 'imported' }] };
    const [text, ...buttons] = syncMessage(s);
    assert.match(text, /^Nothing to sync: this chat was imported from a Telegram Desktop export\. Import a newer export/);
    assert.deepEqual(buttons, ['Import Telegram Desktop Export']);
  });

  it('a mixed sync counts what it added, names failures and offers the log', () => {
    const s: SyncSummary = {
      cancelled: false,
      elapsedMs: 1,
      sources: [
        { id: 'a', itemsAdded: 5 },
        { id: 'b', itemsAdded: 0, note: 'imported' },
        { id: 'c', itemsAdded: 0, error: 'flood wait' },
      ],
    };
    const [text, ...buttons] = syncMessage(s);
    assert.equal(text, 'Sync finished: 5 new items; 1 imported chat left as they are (import a newer export to update them); 1 source failed: flood wait.');
    assert.deepEqual(buttons, ['Show Log']);
    assert.match(syncMessage({ cancelled: false, elapsedMs: 0, sources: [] })[0], /No sources to sync yet/);
  });
});
