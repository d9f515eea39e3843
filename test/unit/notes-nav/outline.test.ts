import assert from 'node:assert/strict';
import { parseNote, parseNoteInSlices } from '../../../server/engine/notes-nav/noteModel';
import { outlineOf } from '../../../server/engine/notes-nav/outline';
import { renderVideoNote } from '../../../server/engine/connectors/youtube/videoNotes';
import { message, renderNote } from './notes';

describe('notes-nav: outline', () => {
  it("groups a chat note's messages by day, each named by time and sender, with its first text line", () => {
    const text = renderNote({
      note: 'Telegram/Chat/Chat',
      title: 'Chat',
      messages: [
        message({ id: 1, date: '2024-03-01T09:40:38', text: 'Hi there, friend', text_entities: [{ type: 'plain', text: 'Hi ' }, { type: 'bold', text: 'there' }, { type: 'plain', text: ', ' }, { type: 'italic', text: 'friend' }] }),
        message({ id: 2, date: '2024-03-01T23:59:59', from: 'Sam Carter', text: 'Late', reply_to_message_id: 1 }),
        message({ id: 3, date: '2024-03-02T00:00:01', type: 'service', actor: 'Sam Carter', action: 'pin_message', message_id: 1, from: undefined }),
        message({ id: 4, date: '2024-03-02T08:00:00', text: 'Morning' }),
      ],
    });
    const model = parseNote(text);
    const outline = outlineOf(model);
    assert.deepEqual(
      outline.map((d) => [d.name, d.kind, d.detail, d.children?.map((c) => [c.name, c.kind, c.detail])]),
      [
        ['2024-03-01', 'day', '2 messages', [['09:40 Alice Martin', 'message', 'Hi there, friend'], ['23:59 Sam Carter', 'message', 'Late']]],
        ['2024-03-02', 'day', '2 messages', [['00:00 📌 Sam Carter pinned message 1', 'event', '^m3'], ['08:00 Alice Martin', 'message', 'Morning']]],
      ],
    );
    // each message covers its block, from its header to its id line; a day from its first to its last
    const [day1] = outline;
    const m2 = day1!.children![1]!;
    assert.match(model.lines[m2.startLine]!, /^> \*\*Sam Carter\*\* · 2024-03-01 23:59:59/);
    assert.equal(model.lines[m2.endLine], '^m2');
    assert.equal(day1!.startLine, day1!.children![0]!.startLine);
    assert.equal(day1!.endLine, m2.endLine);
  });

  it('a monthly note has the same shape: its own days only, and blocks linking to other month notes', () => {
    const text = renderNote(
      {
        note: 'Telegram/Digest/Digest 2024-04',
        title: 'Digest',
        messages: [message({ id: 40, date: '2024-04-01T10:00:00', text: 'April', reply_to_message_id: 39 }), message({ id: 41, date: '2024-04-30T10:00:00', text: 'end' })],
      },
      (id) => (id < 40 ? 'Telegram/Digest/Digest 2024-03' : 'Telegram/Digest/Digest 2024-04'),
    );
    assert.match(text, /\[\[Telegram\/Digest\/Digest 2024-03#\^m39\|message 39\]\]/);
    const outline = outlineOf(parseNote(text));
    assert.deepEqual(outline.map((d) => [d.name, d.children!.length]), [['2024-04-01', 1], ['2024-04-30', 1]]);
    assert.equal(outline[0]!.children![0]!.detail, 'April');
  });

  it('messages with a date that is not a date-time go under "Undated", in place', () => {
    const text = renderNote({ note: 'n', title: 'T', messages: [message({ id: 5, date: 'yesterday', text: 'x' }), message({ id: 6, date: '2024-05-01T10:00:00', text: 'y' })] });
    assert.deepEqual(outlineOf(parseNote(text)).map((d) => d.name), ['Undated', '2024-05-01']);
  });

  it("hostile sender names and texts give readable names, never a broken outline", () => {
    const text = renderNote({
      note: 'n',
      title: '../CON: <Design|Review> #1 [draft]?.',
      messages: [
        message({ id: 7, from: '**bold** [[x]] ^m1 \\ `tick`', text: '> not a quote\n^m99\n\n---' }),
        message({ id: 8, from: '', text: 'anon' }),
      ],
    });
    const model = parseNote(text);
    assert.deepEqual(model.blocks.map((b) => b.id), ['m7', 'm8'], 'text inside a message never makes a block');
    assert.equal(model.blocks[0]!.author, '**bold** [[x]] ^m1 \\ `tick`');
    assert.equal(model.props.title, '../CON: <Design|Review> #1 [draft]?.');
    const names = outlineOf(model)[0]!.children!.map((c) => c.name);
    assert.deepEqual(names, ['10:00 **bold** [[x]] ^m1 \\ `tick`', '10:00 Unknown sender']);
  });

  it("a video note's outline: its chapters with their times (headings are VS Code's own outline)", () => {
    const note = renderVideoNote(
      {
        id: 'vid00000001',
        title: 'How to *print* # fast',
        description: '0:00 Intro\n1:05 The [bed]\n12:30 Cooling\n\nMore text',
        publishedAt: '2024-03-01T10:00:00Z',
        channelId: 'UC1',
        tags: [],
        privacy: 'public',
      } as never,
      'Chan',
    );
    const model = parseNote(note);
    const outline = outlineOf(model);
    assert.deepEqual(outline.map((c) => [c.name, c.kind]), [['0:00 Intro', 'chapter'], ['1:05 The [bed]', 'chapter'], ['12:30 Cooling', 'chapter']]);
    assert.match(model.lines[outline[1]!.startLine]!, /^- \[1:05\]\(https:\/\/www\.youtube\.com\/watch\?v=vid00000001&t=65s\) The \\\[bed\\\]$/);
    assert.deepEqual(model.headings.map((h) => h.text), ['How to *print* # fast', 'Chapters', 'Description']);
    assert.deepEqual(model.props, { source: 'youtube', title: 'How to *print* # fast', topic: undefined, type: undefined, channel: 'Chan', videoId: 'vid00000001', channelId: 'UC1', published: '2024-03-01T10:00:00Z' });
  });

  it("a user's own note has no outline of ours, and a paragraph's block id is not a message", () => {
    const model = parseNote('# Plan\n\nSome idea ^idea1\n\n## Later\n\ntext\n\n^para2\n');
    assert.deepEqual(model.blocks.map((b) => [b.id, b.startLine, b.idLine]), [['idea1', 2, 2], ['para2', 6, 8]]);
    assert.deepEqual(outlineOf(model), []);
  });

  it('a big note read in slices, yielding between them, reads exactly as in one go', async () => {
    const text = renderNote({
      note: 'n',
      title: 'T',
      messages: Array.from({ length: 40 }, (_, i) => message({ id: i + 1, date: `2024-03-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00`, text: `m ${i}\nline`, reply_to_message_id: i || undefined })),
    });
    let pauses = 0;
    const sliced = await parseNoteInSlices(text, async () => void pauses++, 7);
    const whole = parseNote(text);
    assert.ok(pauses > 20);
    assert.deepEqual(sliced.blocks, whole.blocks);
    assert.deepEqual(outlineOf(sliced), outlineOf(whole));
    assert.equal(whole.blocks.length, 40);
  });
});
