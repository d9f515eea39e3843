/**
 * The bundled sample export, rendered whole: it covers every kind the issue lists, renders
 * deterministically, and every note has the documented structure.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { ExportMessage } from '../../../server/engine/telegram-notes/message';
import { mediaFilesOf, parseFrontmatter } from '../../../server/engine/telegram-notes';
import { chatsOf, renderExport } from './sampleRender';
import { assertNoteStructure } from './structure';

const SAMPLE = path.resolve(__dirname, '../../../sample/telegram-export');

describe('format: the bundled sample', () => {
  const chats = chatsOf(SAMPLE);
  const messages: ExportMessage[] = chats.flatMap((c) => c.messages);

  it('has every entity type of the issue', () => {
    const seen = new Set(messages.flatMap((m) => (m.text_entities ?? []).map((e) => e.type)));
    for (const t of ['mention', 'hashtag', 'bot_command', 'link', 'email', 'bold', 'italic', 'underline', 'strikethrough', 'spoiler', 'code', 'pre', 'text_link', 'mention_name', 'phone', 'cashtag', 'bank_card', 'blockquote', 'custom_emoji', 'plain', 'unknown']) {
      assert.ok(seen.has(t), t);
    }
    assert.ok(messages.some((m) => typeof m.text === 'string' && m.text !== ''), 'string form');
    assert.ok(messages.some((m) => Array.isArray(m.text)), 'array form');
  });

  it('has every message kind of the issue', () => {
    const has = (what: string, f: (m: ExportMessage) => boolean) => assert.ok(messages.some(f), what);
    for (const t of ['sticker', 'video_message', 'voice_message', 'animation', 'video_file', 'audio_file']) has(t, (m) => m.media_type === t);
    has('photo', (m) => typeof m.photo === 'string' && m.photo.includes('/'));
    has('file', (m) => typeof m.file === 'string' && m.media_type === undefined);
    has('poll', (m) => !!m.poll);
    has('location', (m) => !!m.location_information && m.place_name === undefined);
    has('venue', (m) => typeof m.place_name === 'string');
    has('contact', (m) => !!m.contact_information);
    has('reactions', (m) => !!m.reactions?.length);
    has('forwarded', (m) => 'forwarded_from' in m);
    has('reply', (m) => typeof m.reply_to_message_id === 'number');
    has('edited', (m) => typeof m.edited === 'string');
    has('via bot', (m) => typeof m.via_bot === 'string');
    has('signature', (m) => typeof m.author === 'string');
    has('not included', (m) => typeof m.file === 'string' && m.file.startsWith('(File not included'));
    has('album', (m) => messages.some((o) => o.id === m.id + 1 && o.date_unixtime === m.date_unixtime && o.from_id === m.from_id && !!m.photo && !!o.photo));
    for (const a of ['pin_message', 'invite_members', 'join_group_by_link', 'topic_created', 'topic_edit', 'phone_call', 'create_group', 'edit_group_photo']) has(a, (m) => m.action === a);
    has('unsupported', (m) => m.type === 'unsupported');
  });

  it('renders deterministically (same input, identical bytes)', () => {
    const a = renderExport(SAMPLE);
    const b = renderExport(SAMPLE);
    assert.deepEqual(a.map((n) => n.text), b.map((n) => n.text));
  });

  it('every note has the documented structure and frontmatter', () => {
    const notes = renderExport(SAMPLE);
    assert.ok(notes.length >= 10, 'one note per chat, one per forum topic');
    for (const n of notes) {
      assertNoteStructure(n.text, n.expect);
      const fm = parseFrontmatter(n.text);
      assert.ok(fm, n.path);
      assert.equal(fm.meta.messageCount, n.ids.length);
    }
    const forum = notes.filter((n) => n.path.startsWith('Telegram/Makers Forum/')).map((n) => path.basename(n.path)).sort();
    assert.deepEqual(forum, ['3D printing.md', 'Announcements.md', 'Makers Forum.md', 'Off-topic 🎲.md']);
  });

  it('names every real file of the sample once per role, and none of the placeholders', () => {
    const files = messages.flatMap((m) => mediaFilesOf(m));
    assert.ok(files.length > 30);
    assert.ok(files.every((f) => !f.exportPath.startsWith('(')));
    assert.ok(files.some((f) => f.role === 'thumbnail'));
  });
});
