import { createHash } from 'node:crypto';
import type { sheets_v4 } from '@googleapis/sheets';
import { type VideoRecord, videoUrl } from '../video';

/**
 * What the Sheets mirror writes: the column layout, one row per video, the requests that set a
 * new tab up, and the conditional format rule. Pure: no I/O.
 *
 * Every value goes out with valueInputOption RAW, so Sheets stores it as given: a title such as
 * `=HYPERLINK("http://evil")` stays text and never becomes a formula, `'0042` keeps its
 * apostrophe, `1,234` stays a string. Counts are JSON numbers (RAW stores them as numbers);
 * `Published` is the ISO 8601 UTC text YouTube gave (sorts chronologically as text, and reads the
 * same in every locale); an absent count (hidden likes, disabled comments, an upcoming stream's
 * duration) is an empty cell, never 0.
 */

export type Cell = string | number;

interface Column {
  readonly header: string;
  readonly value: (video: VideoRecord) => Cell;
}

/** Sheets refuses a cell over 50,000 characters, and with it the whole request. */
export const MAX_CELL_CHARACTERS = 50_000;

const count = (n: number | undefined): Cell => (n === undefined ? '' : n);

/** 951 → "15:51", 3723 → "1:02:03". */
export function clockDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** Cuts text to what one cell holds, with an ellipsis, never splitting a surrogate pair. */
export function fitCell(text: string): string {
  if (text.length <= MAX_CELL_CHARACTERS) return text;
  let end = MAX_CELL_CHARACTERS - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

export const COLUMNS: readonly Column[] = [
  { header: 'Video ID', value: (v) => v.id },
  { header: 'Title', value: (v) => fitCell(v.title) },
  { header: 'Published', value: (v) => v.publishedAt },
  { header: 'Duration (s)', value: (v) => count(v.durationSeconds) },
  { header: 'Duration', value: (v) => (v.durationSeconds === undefined ? '' : clockDuration(v.durationSeconds)) },
  { header: 'Views', value: (v) => count(v.views) },
  { header: 'Likes', value: (v) => count(v.likes) },
  { header: 'Comments', value: (v) => count(v.comments) },
  { header: 'URL', value: (v) => videoUrl(v.id) },
  { header: 'Channel', value: (v) => fitCell(v.channelTitle) },
  { header: 'Channel ID', value: (v) => v.channelId },
  { header: 'Privacy', value: (v) => v.privacy },
];

export const HEADER: readonly string[] = COLUMNS.map((c) => c.header);
/** A1 of the header's first cell: the mark of a tab this mirror set up. */
export const ID_HEADER = HEADER[0];
const PRIVACY_COLUMN = String.fromCharCode('A'.charCodeAt(0) + HEADER.indexOf('Privacy'));
const LAST_COLUMN = String.fromCharCode('A'.charCodeAt(0) + COLUMNS.length - 1);

export function videoRow(video: VideoRecord): Cell[] {
  return COLUMNS.map((c) => c.value(video));
}

/** What a channel's rows say, in a few bytes: equal digests, nothing to mirror. */
export function rowsDigest(videos: readonly VideoRecord[]): string {
  const hash = createHash('sha1');
  for (const v of orderForAppend(videos)) hash.update(JSON.stringify(videoRow(v))).update('\n');
  return hash.digest('base64url');
}

/** `'My tab'` with quotes doubled, as A1 notation wants a sheet name. */
export function quoteTitle(title: string): string {
  return `'${title.replace(/'/g, "''")}'`;
}

/** The id column (the Uncertain-append check reads it). */
export const idColumnRange = (title: string): string => `${quoteTitle(title)}!A:A`;
/** One row of the table (1-based, as A1 notation counts). */
export const rowRange = (title: string, row: number): string => `${quoteTitle(title)}!A${row}:${LAST_COLUMN}${row}`;

/**
 * Whether a row as read back (UNFORMATTED_VALUE: numbers as numbers, trailing blanks left out)
 * already says what `wanted` would write, so it needs no update.
 */
export function sameRow(existing: readonly unknown[], wanted: readonly Cell[]): boolean {
  return wanted.every((cell, i) => {
    const had = existing[i];
    return (had === undefined || had === null ? '' : String(had)) === String(cell);
  });
}
/** Where rows are appended: the table's columns. */
export const tableRange = (title: string): string => `${quoteTitle(title)}!A:${LAST_COLUMN}`;
/** The table's columns as far as the tab has them (a range past the grid is a 400 "exceeds grid limits"). */
export function readRange(title: string, columnCount: number | undefined): string {
  const n = Math.max(1, Math.min(COLUMNS.length, columnCount ?? COLUMNS.length));
  return `${quoteTitle(title)}!A:${String.fromCharCode('A'.charCodeAt(0) + n - 1)}`;
}

/**
 * The order rows are appended in: oldest first (publishedAt, then id), so the sheet reads
 * chronologically from the top and each run's new videos land at the bottom. A video that only
 * shows up later (made public after being private) lands at the bottom out of order; the
 * filter's sort puts it in place for the reader. Duplicate ids keep their first occurrence.
 */
export function orderForAppend(videos: readonly VideoRecord[]): VideoRecord[] {
  const seen = new Set<string>();
  const unique: VideoRecord[] = [];
  for (const v of videos) {
    if (v.id === '' || seen.has(v.id)) continue;
    seen.add(v.id);
    unique.push(v);
  }
  const time = (v: VideoRecord): number => {
    const t = Date.parse(v.publishedAt);
    return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
  };
  return unique.sort((a, b) => time(a) - time(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * How many of the leading rows go into the next append request: at most `maxRows`, and about
 * `maxBytes` of JSON body (a single row larger than that still goes, alone).
 */
export function nextBatchSize(rows: readonly Cell[][], maxRows: number, maxBytes: number): number {
  let bytes = 0;
  let n = 0;
  for (const row of rows) {
    if (n >= maxRows) break;
    bytes += Buffer.byteLength(JSON.stringify(row)) + 1;
    if (n > 0 && bytes > maxBytes) break;
    n++;
  }
  return n;
}

/**
 * The first write to a tab, in one batchUpdate (atomic: all of it or none): the tab itself when
 * missing (with the sheetId chosen here, so the other sub-requests can name it), enough columns,
 * the bold header row, the frozen header, and a basic filter over the table's columns.
 */
export function setupRequests(tab: { sheetId: number; title: string; exists: boolean; columnCount?: number }): sheets_v4.Schema$Request[] {
  const { sheetId } = tab;
  const requests: sheets_v4.Schema$Request[] = [];
  if (!tab.exists) {
    requests.push({ addSheet: { properties: { sheetId, title: tab.title, gridProperties: { rowCount: 1000, columnCount: COLUMNS.length } } } });
  } else if (tab.columnCount !== undefined && tab.columnCount < COLUMNS.length) {
    requests.push({ appendDimension: { sheetId, dimension: 'COLUMNS', length: COLUMNS.length - tab.columnCount } });
  }
  requests.push(
    {
      updateCells: {
        start: { sheetId, rowIndex: 0, columnIndex: 0 },
        rows: [{ values: HEADER.map((h) => ({ userEnteredValue: { stringValue: h }, userEnteredFormat: { textFormat: { bold: true } } })) }],
        fields: 'userEnteredValue,userEnteredFormat.textFormat.bold',
      },
    },
    { updateSheetProperties: { properties: { sheetId, gridProperties: { frozenRowCount: 1 } }, fields: 'gridProperties.frozenRowCount' } },
    { setBasicFilter: { filter: { range: { sheetId, startRowIndex: 0, startColumnIndex: 0, endColumnIndex: COLUMNS.length } } } },
  );
  return requests;
}

/**
 * Rows whose privacy is not `public` (unlisted, private, unavailable) are tinted. The formula is
 * also the rule's marker: a tab that already has a rule with it gets no second one.
 */
export const PRIVACY_RULE_FORMULA = `=AND($${PRIVACY_COLUMN}2<>"",$${PRIVACY_COLUMN}2<>"public")`;

export function privacyRuleRequest(sheetId: number): sheets_v4.Schema$Request {
  return {
    addConditionalFormatRule: {
      index: 0,
      rule: {
        ranges: [{ sheetId, startRowIndex: 1, startColumnIndex: 0, endColumnIndex: COLUMNS.length }],
        booleanRule: {
          condition: { type: 'CUSTOM_FORMULA', values: [{ userEnteredValue: PRIVACY_RULE_FORMULA }] },
          format: { backgroundColor: { red: 0.99, green: 0.91, blue: 0.76 } },
        },
      },
    },
  };
}

export function hasPrivacyRule(rules: readonly sheets_v4.Schema$ConditionalFormatRule[] | undefined): boolean {
  return (rules ?? []).some((rule) => {
    const condition = rule.booleanRule?.condition;
    return condition?.type === 'CUSTOM_FORMULA' && condition.values?.[0]?.userEnteredValue === PRIVACY_RULE_FORMULA;
  });
}
