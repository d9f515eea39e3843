import assert from 'node:assert/strict';
import {
  MAX_CELL_CHARACTERS,
  clockDuration,
  fitCell,
  idColumnRange,
  nextBatchSize,
  orderForAppend,
  tableRange,
} from '../../../server/engine/connectors/youtube/sheets/sheetLayout';
import type { VideoRecord } from '../../../server/engine/connectors/youtube/video';

const video = (id: string, publishedAt: string): VideoRecord => ({
  id,
  channelId: 'UC',
  channelTitle: 'C',
  title: id,
  description: '',
  publishedAt,
  tags: [],
  privacy: 'public',
});

describe('Sheets mirror layout', () => {
  it('writes durations as a clock', () => {
    assert.deepEqual([0, 9, 59, 60, 951, 3600, 3723, 36_000].map(clockDuration), ['0:00', '0:09', '0:59', '1:00', '15:51', '1:00:00', '1:02:03', '10:00:00']);
  });

  it('cuts text to one cell with an ellipsis, never between the halves of a surrogate pair', () => {
    assert.equal(fitCell('short'), 'short');
    assert.equal(fitCell('x'.repeat(MAX_CELL_CHARACTERS)).length, MAX_CELL_CHARACTERS);
    const long = fitCell('x'.repeat(MAX_CELL_CHARACTERS + 1));
    assert.equal(long.length, MAX_CELL_CHARACTERS);
    assert.ok(long.endsWith('x…'));
    const emoji = fitCell(`${'x'.repeat(MAX_CELL_CHARACTERS - 2)}😀😀`);
    assert.equal(emoji, `${'x'.repeat(MAX_CELL_CHARACTERS - 2)}…`);
    assert.ok(!/[\ud800-\udbff]…$/.test(emoji));
  });

  it('quotes tab names in ranges, doubling apostrophes', () => {
    assert.equal(idColumnRange('Videos'), "'Videos'!A:A");
    assert.equal(tableRange("Bob's"), "'Bob''s'!A:L");
  });

  it('orders oldest first, then by id; unparseable dates last; duplicates and blank ids dropped', () => {
    const ordered = orderForAppend([
      video('c', '2024-01-02T00:00:00Z'),
      video('b', 'not a date'),
      video('a', '2024-01-02T00:00:00Z'),
      video('d', '2023-12-31T23:59:59Z'),
      video('a', '2020-01-01T00:00:00Z'),
      video('', '2020-01-01T00:00:00Z'),
    ]);
    assert.deepEqual(ordered.map((v) => v.id), ['d', 'a', 'c', 'b']);
  });

  it('batches by rows and by bytes, a single oversized row going alone', () => {
    const rows = Array.from({ length: 10 }, (_, i) => [`id${i}`, 'x'.repeat(90)]);
    const size = Buffer.byteLength(JSON.stringify(rows[0])) + 1;
    assert.equal(nextBatchSize(rows, 4, 1_000_000), 4);
    assert.equal(nextBatchSize(rows, 100, size * 3), 3);
    assert.equal(nextBatchSize(rows, 100, 10), 1);
    assert.equal(nextBatchSize([], 100, 10), 0);
  });
});
