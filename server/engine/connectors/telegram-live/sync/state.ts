/**
 * What live sync remembers per chat: the last message id archived in each thread (the chat's
 * history, or each forum topic), in `<vault>/.vault-archiver/telegram/live/<chat id>.json`.
 *
 * Written only after the chat archive has finished the notes these ids describe (flushed, index
 * saved), with a temp file and a rename: a crash before the write leaves the older cursors, so
 * the rerun fetches those messages again and the archive finds them already in their notes.
 */
import * as path from 'node:path';
import { writeFileAtomic } from '../../../vault/atomic';
import { VaultLayout } from '../../../vault/layout';
import { type VaultFs, isNotFound } from '../../../vault/vaultFs';

export interface LiveChatState {
  readonly version: 1;
  readonly chatId: number;
  /** Thread key ('history', or 'topic:<id>') → highest message id archived. */
  readonly cursors: Record<string, number>;
  readonly lastSyncAt?: string;
  /** Why the last sync of this chat stopped early (a long flood wait), if it did. */
  readonly paused?: string;
}

export const HISTORY_THREAD = 'history';

export function topicThread(topicId: number): string {
  return `topic:${topicId}`;
}

export function liveStateFile(vaultRoot: string, chatId: number): string {
  return path.join(new VaultLayout(vaultRoot).telegramStateDir, 'live', `${chatId}.json`);
}

export async function readLiveState(fs: VaultFs, vaultRoot: string, chatId: number): Promise<LiveChatState> {
  const empty: LiveChatState = { version: 1, chatId, cursors: {} };
  let text: string;
  try {
    text = (await fs.readFile(liveStateFile(vaultRoot, chatId))).toString('utf8');
  } catch (err) {
    if (isNotFound(err)) return empty;
    throw err;
  }
  try {
    const v = JSON.parse(text) as Partial<LiveChatState>;
    const cursors: Record<string, number> = {};
    for (const [k, id] of Object.entries(v.cursors ?? {})) if (Number.isSafeInteger(id)) cursors[k] = id;
    return { ...empty, cursors, lastSyncAt: typeof v.lastSyncAt === 'string' ? v.lastSyncAt : undefined };
  } catch {
    // A damaged cursor file only costs a fuller fetch: the archive skips what it has.
    return empty;
  }
}

export async function writeLiveState(fs: VaultFs, vaultRoot: string, state: LiveChatState): Promise<void> {
  const file = liveStateFile(vaultRoot, state.chatId);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(state, null, 1)}\n`, { fs });
}
