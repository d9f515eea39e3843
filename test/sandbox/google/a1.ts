/**
 * A1 notation ([DOC] developers.google.com/sheets/api/guides/concepts#cell):
 * `Sheet1!A1:B2`, `'My Sheet'!A:A`, `Sheet1!1:2`, `Sheet1!A5:A` (open end), `Sheet1` (whole
 * sheet), `A1:B2` (first visible sheet). Indexes here are 0-based with exclusive ends, the way
 * GridRange counts; `undefined` means unbounded on that side.
 */

export interface A1Range {
  /** Absent when the text names no sheet (the first visible sheet is meant). */
  sheetName?: string;
  startRow?: number;
  endRow?: number;
  startCol?: number;
  endCol?: number;
}

const MAX_COLUMNS = 18278; // ZZZ

export function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

export function columnLetters(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = String.fromCharCode(65 + rem) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

interface Endpoint {
  col?: number;
  row?: number;
}

function parseEndpoint(text: string): Endpoint | null {
  const m = /^\$?([A-Za-z]{0,3})\$?(\d{0,8})$/.exec(text);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  const out: Endpoint = {};
  if (m[1]) {
    out.col = columnIndex(m[1]);
    if (out.col >= MAX_COLUMNS) return null;
  }
  if (m[2]) {
    const row = Number(m[2]);
    if (row < 1) return null;
    out.row = row - 1;
  }
  return out;
}

/** The cell part of a range (`A1:B2`, `A:B`, `2:5`, `A5:B`), or null when it is not one. */
function parseCells(text: string): Omit<A1Range, 'sheetName'> | null {
  const parts = text.split(':');
  if (parts.length > 2) return null;
  const start = parseEndpoint(parts[0]);
  if (!start) return null;
  if (parts.length === 1) {
    // A lone endpoint must be a cell: `A` or `5` alone are not ranges.
    if (start.col === undefined || start.row === undefined) return null;
    return { startRow: start.row, endRow: start.row + 1, startCol: start.col, endCol: start.col + 1 };
  }
  const end = parseEndpoint(parts[1]);
  if (!end) return null;
  // `A1:B` leaves the end row open; `A:B` both; `1:2` the columns.
  let startRow = start.row ?? (end.row === undefined ? undefined : 0);
  let endRow = end.row === undefined ? undefined : end.row + 1;
  let startCol = start.col ?? (end.col === undefined ? undefined : 0);
  let endCol = end.col === undefined ? undefined : end.col + 1;
  if (start.row === undefined && end.row === undefined) {
    startRow = undefined;
    endRow = undefined;
  }
  if (start.col === undefined && end.col === undefined) {
    startCol = undefined;
    endCol = undefined;
  }
  // Reversed corners (`B2:A1`) name the same rectangle.
  if (startRow !== undefined && endRow !== undefined && endRow <= startRow) {
    [startRow, endRow] = [endRow - 1, startRow + 1];
  }
  if (startCol !== undefined && endCol !== undefined && endCol <= startCol) {
    [startCol, endCol] = [endCol - 1, startCol + 1];
  }
  return { startRow, endRow, startCol, endCol };
}

/**
 * Parses an A1 range. `isSheetName` decides whether a bare word names a sheet (a bare `A1` is
 * read as a cell first, as Sheets does). Returns null for text that is not a range.
 */
export function parseA1(text: string, isSheetName: (name: string) => boolean = () => true): A1Range | null {
  let sheetName: string | undefined;
  let cells: string | undefined;
  if (text.startsWith("'")) {
    let i = 1;
    let name = '';
    for (;;) {
      if (i >= text.length) return null;
      if (text[i] === "'") {
        if (text[i + 1] === "'") {
          name += "'";
          i += 2;
          continue;
        }
        break;
      }
      name += text[i++];
    }
    sheetName = name;
    const rest = text.slice(i + 1);
    if (rest === '') cells = undefined;
    else if (rest.startsWith('!')) cells = rest.slice(1);
    else return null;
  } else if (text.includes('!')) {
    const bang = text.indexOf('!');
    sheetName = text.slice(0, bang);
    cells = text.slice(bang + 1);
    if (sheetName === '') return null;
  } else {
    const asCells = parseCells(text);
    if (asCells && !isSheetName(text)) return asCells;
    if (asCells && /^[A-Za-z]{1,3}\d+$/.test(text)) return asCells;
    if (text === '') return null;
    return { sheetName: text };
  }
  if (cells === undefined || cells === '') return cells === '' ? null : { sheetName };
  const parsed = parseCells(cells);
  return parsed ? { sheetName, ...parsed } : null;
}

/** Quotes a sheet title when A1 notation needs it (spaces, punctuation, names that look like cells). */
export function quoteSheetName(title: string, always = false): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(title) && !/^[A-Za-z]{1,3}\d+$/.test(title) && !/^[Rr]\d*[Cc]\d*$/.test(title);
  if (plain && !always) return title;
  return `'${title.replace(/'/g, "''")}'`;
}

/** `Sheet1!A1:C10`, `Sheet1!A5:C` (open end), `Sheet1!2:3`, `Sheet1!A:C`, `Sheet1!A1` (one cell). */
export function formatA1(
  sheetTitle: string,
  range: { startRow?: number; endRow?: number; startCol?: number; endCol?: number },
  options: { alwaysQuote?: boolean } = {},
): string {
  const sheet = quoteSheetName(sheetTitle, options.alwaysQuote);
  const { startRow, endRow, startCol, endCol } = range;
  const colsOpen = startCol === undefined && endCol === undefined;
  const rowsOpen = startRow === undefined && endRow === undefined;
  if (colsOpen && rowsOpen) return sheet;
  if (colsOpen) return `${sheet}!${(startRow ?? 0) + 1}:${endRow ?? (startRow ?? 0) + 1}`;
  const sc = columnLetters(startCol ?? 0);
  const ec = endCol === undefined ? '' : columnLetters(endCol - 1);
  if (rowsOpen) return `${sheet}!${sc}:${ec || sc}`;
  const sr = (startRow ?? 0) + 1;
  if (endRow !== undefined && endCol !== undefined && endRow === sr && endCol === (startCol ?? 0) + 1) {
    return `${sheet}!${sc}${sr}`;
  }
  return `${sheet}!${sc}${sr}:${ec}${endRow ?? ''}`;
}
