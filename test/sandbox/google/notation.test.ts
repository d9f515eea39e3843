import assert from 'node:assert/strict';
import { columnIndex, columnLetters, formatA1, parseA1 } from './a1';
import { applyMask, maskPaths, parseFields, selectFields } from './fields';
import { decodePlaylistToken, encodePlaylistToken } from './youtube-api';
import { formatValue, parseInput } from './sheets-values';

/** The small languages the sandbox has to read and write: A1 ranges, field masks, page tokens, typed input. */
describe('Google sandbox: notations', () => {
  it('parses A1 ranges the way Sheets reads them', () => {
    const sheets = new Set(['Sheet1', 'My Sheet']);
    const is = (n: string) => sheets.has(n);
    assert.deepEqual(parseA1('Sheet1!A1:B2', is), { sheetName: 'Sheet1', startRow: 0, endRow: 2, startCol: 0, endCol: 2 });
    assert.deepEqual(parseA1("'My Sheet'!C:C", is), { sheetName: 'My Sheet', startRow: undefined, endRow: undefined, startCol: 2, endCol: 3 });
    assert.deepEqual(parseA1('Sheet1!2:3', is), { sheetName: 'Sheet1', startRow: 1, endRow: 3, startCol: undefined, endCol: undefined });
    assert.deepEqual(parseA1('Sheet1!A5:M', is), { sheetName: 'Sheet1', startRow: 4, endRow: undefined, startCol: 0, endCol: 13 });
    assert.deepEqual(parseA1('B2:A1', is), { startRow: 0, endRow: 2, startCol: 0, endCol: 2 });
    assert.deepEqual(parseA1('Sheet1', is), { sheetName: 'Sheet1' });
    assert.deepEqual(parseA1("'It''s'!A1", is), { sheetName: "It's", startRow: 0, endRow: 1, startCol: 0, endCol: 1 });
    assert.equal(parseA1('Sheet1!A', is), null);
    assert.equal(parseA1('Sheet1!A1:B2:C3', is), null);
    assert.equal(columnIndex('AA'), 26);
    assert.equal(columnLetters(701), 'ZZ');
    assert.equal(formatA1('Videos', { startRow: 0, endRow: 10, startCol: 0, endCol: 13 }), 'Videos!A1:M10');
    assert.equal(formatA1('My Sheet', { startRow: 4, startCol: 0, endCol: 3 }), "'My Sheet'!A5:C");
    assert.equal(formatA1('A1', { startRow: 0, endRow: 1, startCol: 0, endCol: 1 }), "'A1'!A1");
  });

  it('reads field selections and applies field masks', () => {
    const tree = parseFields('kind,items(id,snippet/title),pageInfo/totalResults');
    const body = { kind: 'k', etag: 'e', pageInfo: { totalResults: 3, resultsPerPage: 5 }, items: [{ id: 'a', etag: 'x', snippet: { title: 't', description: 'd' } }] };
    assert.deepEqual(selectFields(body, tree), { kind: 'k', pageInfo: { totalResults: 3 }, items: [{ id: 'a', snippet: { title: 't' } }] });
    assert.throws(() => parseFields('items(id'), /Invalid field selection/);
    assert.deepEqual(maskPaths(parseFields('userEnteredFormat(textFormat.bold,backgroundColor),note')), [
      ['userEnteredFormat', 'textFormat', 'bold'],
      ['userEnteredFormat', 'backgroundColor'],
      ['note'],
    ]);
    const target: Record<string, unknown> = { gridProperties: { rowCount: 1000, columnCount: 26 }, title: 'T' };
    applyMask(target, { gridProperties: { frozenRowCount: 1 } }, [['gridProperties', 'frozenRowCount']]);
    assert.deepEqual(target, { gridProperties: { rowCount: 1000, columnCount: 26, frozenRowCount: 1 }, title: 'T' });
    applyMask(target, { gridProperties: { frozenRowCount: 1 } }, [['gridProperties']]);
    assert.deepEqual(target, { gridProperties: { frozenRowCount: 1 }, title: 'T' });
  });

  it('round-trips playlist page tokens and refuses foreign ones', () => {
    for (const offset of [0, 5, 50, 127, 128, 19_950]) {
      assert.deepEqual(decodePlaylistToken(encodePlaylistToken(offset, false)), { offset, backwards: false });
      assert.deepEqual(decodePlaylistToken(encodePlaylistToken(offset, true)), { offset, backwards: true });
    }
    assert.equal(decodePlaylistToken('CAUQAA'), undefined);
    assert.equal(decodePlaylistToken('not a token!'), undefined);
  });

  it('types USER_ENTERED input and formats values back', () => {
    assert.deepEqual(parseInput('1,234.50', 'USER_ENTERED'), { kind: 'set', value: { numberValue: 1234.5 }, numberFormat: { type: 'NUMBER', pattern: '#,##0.00' } });
    assert.deepEqual(parseInput('12%', 'USER_ENTERED'), { kind: 'set', value: { numberValue: 0.12 }, numberFormat: { type: 'PERCENT', pattern: '0%' } });
    assert.deepEqual(parseInput("'=not a formula", 'USER_ENTERED'), { kind: 'set', value: { stringValue: '=not a formula' } });
    assert.deepEqual(parseInput('=A1', 'RAW'), { kind: 'set', value: { stringValue: '=A1' } });
    assert.deepEqual(parseInput('true', 'USER_ENTERED'), { kind: 'set', value: { boolValue: true } });
    assert.deepEqual(parseInput(null, 'RAW'), { kind: 'skip' });
    assert.deepEqual(parseInput('', 'USER_ENTERED'), { kind: 'clear' });
    const date = parseInput('2024-02-29', 'USER_ENTERED');
    assert.ok(date.kind === 'set');
    assert.equal(date.value.numberValue, 45351);
    assert.equal(formatValue(date.value, date.numberFormat), '2024-02-29');
    assert.equal(formatValue({ numberValue: 45351 }, { type: 'DATE' }), '2/29/2024');
    assert.equal(formatValue({ numberValue: 0.0434375 }, { type: 'TIME', pattern: '[h]:mm:ss' }), '1:02:33');
    assert.equal(formatValue({ numberValue: 1234567.891 }, { type: 'NUMBER', pattern: '#,##0.00' }), '1,234,567.89');
    assert.equal(formatValue({ numberValue: 1 / 3 }, undefined), '0.3333333333');
    const number = (value: number, pattern: string) => formatValue({ numberValue: value }, { type: 'NUMBER', pattern });
    assert.equal(number(5, '"$"#,##0.00'), '$5.00');
    assert.equal(number(-3, '"$"#,##0.00'), '-$3.00');
    assert.equal(number(-1234.5, '[$€]#,##0.00'), '-€1,234.50');
    assert.equal(number(5, '\\$0.00'), '$5.00');
    assert.equal(number(-0.125, '0.0%'), '-12.5%');
    assert.equal(number(1234567, '0.0,,"M"'), '1.2M');
    assert.equal(number(0.000123, '0.00E+00'), '1.23E-04');
    assert.equal(number(12345, '0.00E+00'), '1.23E+04');
    assert.equal(number(12, '000.0#'), '012.0');
    assert.equal(formatValue({ numberValue: 1000.12 }, { type: 'CURRENCY' }), '$1,000.12');
    assert.equal(parseInput('2023-02-30', 'USER_ENTERED').kind === 'set' && (parseInput('2023-02-30', 'USER_ENTERED') as { value: { stringValue?: string } }).value.stringValue, '2023-02-30');
  });
});
