import { strict as assert } from 'node:assert';
import { compareSources, compareTitles } from '../../../shared/order';

describe('source order', () => {
  it('files a title that starts with punctuation under its first letter', () => {
    const titles = ['../CON: <Design|Review> #1 [draft]?.', 'Alice Martin', 'Book Club', 'Makers Forum', 'Weather Bot'];
    assert.deepEqual([...titles].sort(compareTitles), ['Alice Martin', 'Book Club', '../CON: <Design|Review> #1 [draft]?.', 'Makers Forum', 'Weather Bot']);
  });

  it('ignores case, compares numbers as numbers and orders other scripts', () => {
    assert.deepEqual(['chat 10', 'Chat 9', 'Ёлка', 'banana'].sort(compareTitles), ['banana', 'Chat 9', 'chat 10', 'Ёлка']);
  });

  it('is a total order: titles equal to the collator still sort the same way every time', () => {
    assert.ok(compareTitles('!!!', '???') !== 0);
    assert.ok(compareTitles('Chat', 'chat') !== 0);
    assert.equal(compareTitles('Chat', 'Chat'), 0);
  });

  it('groups by kind, then title, then id', () => {
    const s = (kind: 'telegram' | 'youtube', title: string, id: string) => ({ kind, title, id });
    const sorted = [s('youtube', 'A', 'y1'), s('telegram', 'Same', 't2'), s('telegram', 'Same', 't1'), s('telegram', '#b', 't3')].sort(compareSources);
    assert.deepEqual(sorted.map((x) => x.id), ['t3', 't1', 't2', 'y1']);
  });
});
