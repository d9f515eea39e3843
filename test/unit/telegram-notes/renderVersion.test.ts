/**
 * Guards for skipping unchanged blocks on re-import (chat-archive/sourceKey.ts): a block's source
 * key covers the message, the chat, its files, RENDER_VERSION and the messages linkedMessageIds()
 * names. So (1) renderBlock may look up no other message, and (2) any change to what renderBlock
 * writes must come with a new RENDER_VERSION, or archived notes would keep the old rendering.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AlbumGrouper, type ChatContext, RENDER_VERSION, linkedMessageIds, renderBlock } from '../../../server/engine/telegram-notes';
import type { ExportMessage } from '../../../server/engine/telegram-notes/message';
import { chatsOf } from './sampleRender';

const root = path.resolve(__dirname, '..', '..', '..');
const exports = [path.join(root, 'sample', 'telegram-export'), ...fs.readdirSync(path.join(root, 'test', 'fixtures', 'telegram-desktop')).map((d) => path.join(root, 'test', 'fixtures', 'telegram-desktop', d))].filter((d) =>
  fs.existsSync(path.join(d, 'result.json')),
);

/**
 * The rendering of the sample export and the fixtures, by RENDER_VERSION. When a change to the
 * renderer fails this test on purpose: bump RENDER_VERSION in telegram-notes/index.ts and record
 * the new digest here under the new number.
 */
const RECORDED: Record<number, string> = {
  1: 'ba6505eddb22e98769fd7e5f7502f955b9a2c5a88e1111d53adc6099d57ede2e',
};

function renderAll(onLookup: (group: readonly ExportMessage[], id: number) => void): string[] {
  const out: string[] = [];
  for (const dir of exports) {
    for (const chat of chatsOf(dir)) {
      const grouper = new AlbumGrouper();
      const render = (group: ExportMessage[]) => {
        const look = (id: number) => onLookup(group, id);
        const ctx: ChatContext = {
          chatId: chat.id,
          chatTitle: String(chat.name ?? ''),
          chatType: chat.type,
          currentNote: 'N0',
          noteOf: (id) => (look(id), id % 3 === 0 ? undefined : `N${Math.abs(id) % 2}`),
          anchorOf: (id) => (look(id), id - (id % 2)),
          isTopicRoot: (id) => (look(id), id % 7 === 0),
          attachmentOf: (p) => (p.length % 2 ? `A/${p}` : null),
        };
        try {
          out.push(renderBlock(group, ctx));
        } catch (err) {
          out.push(`! ${(err as Error).message}`);
        }
      };
      for (const m of chat.messages) {
        if (typeof m !== 'object' || m === null || typeof m.id !== 'number') continue;
        for (const g of grouper.push({ ...m, text: m.text ?? '' })) render(g);
      }
      for (const g of grouper.flush()) render(g);
    }
  }
  return out;
}

describe('render version and linked ids (what lets a re-import skip unchanged blocks)', () => {
  it('renderBlock looks up only the messages linkedMessageIds() names (or the group itself)', () => {
    const strays: string[] = [];
    renderAll((group, id) => {
      const allowed = new Set(group.flatMap((m) => [m.id, ...linkedMessageIds(m)]));
      if (!allowed.has(id)) strays.push(`message ${group[0].id} looked up ${id}`);
    });
    assert.deepEqual(strays, [], 'a new lookup in the renderer: add its field to LINKED_ID_FIELDS in telegram-notes/index.ts');
  });

  it('the rendering is the one recorded for this RENDER_VERSION', () => {
    const digest = createHash('sha256').update(renderAll(() => undefined).join('\u0000')).digest('hex');
    assert.equal(
      digest,
      RECORDED[RENDER_VERSION],
      `renderBlock's output changed: bump RENDER_VERSION (now ${RENDER_VERSION}) and record ${digest} under the new number`,
    );
  });
});
