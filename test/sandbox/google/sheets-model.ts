import type { sheets_v4 } from '@googleapis/sheets';
import { formatA1, parseA1, quoteSheetName, columnLetters } from './a1';
import { ApiError, sheetsInvalidArgument, sheetsBadPayload, sheetsNotFound } from './errors';
import { SANDBOX_USER } from './http-types';
import { Prng, YOUTUBE_ID_ALPHABET } from './prng';
import {
  type CellData,
  type DateTimeRenderOption,
  type ValueInputOption,
  type ValueRenderOption,
  MAX_CELL_CHARACTERS,
  inputLength,
  parseInput,
  renderCell,
  withComputedFields,
} from './sheets-values';

/**
 * The Sheets side of the sandbox: spreadsheets with their sheets, every cell, every formatting
 * rule, filter, table, merge and banding. API handlers call the operations below; tests read the
 * same state through the inspection helpers (`values`, `cell`, `sheet`, `appliedRequests`).
 *
 * Writes run in a transaction (`Tx`): a copy-on-write view of the spreadsheet that is committed
 * only if every step succeeds. That is how one `batchUpdate` stays atomic ([DOC] "if any request
 * is not valid, the entire request fails and nothing is applied"). Sheet metadata is cloned up
 * front (it is small); rows are cloned only when a step touches them, so appending to a large
 * sheet stays cheap.
 */

export type Row = (CellData | undefined)[];

export interface SheetState {
  properties: sheets_v4.Schema$SheetProperties & {
    sheetId: number;
    title: string;
    index: number;
    gridProperties: sheets_v4.Schema$GridProperties & { rowCount: number; columnCount: number };
  };
  rows: (Row | undefined)[];
  conditionalFormats: sheets_v4.Schema$ConditionalFormatRule[];
  basicFilter?: sheets_v4.Schema$BasicFilter;
  tables: sheets_v4.Schema$Table[];
  bandedRanges: sheets_v4.Schema$BandedRange[];
  merges: sheets_v4.Schema$GridRange[];
  protectedRanges: sheets_v4.Schema$ProtectedRange[];
  rowMetadata: (sheets_v4.Schema$DimensionProperties | undefined)[];
  columnMetadata: (sheets_v4.Schema$DimensionProperties | undefined)[];
}

export interface AppliedRequest {
  /** The request kind, e.g. `addConditionalFormatRule`. */
  kind: string;
  /** The sub-request body as received. */
  request: Record<string, unknown>;
  at: Date;
}

export interface SpreadsheetState {
  spreadsheetId: string;
  properties: sheets_v4.Schema$SpreadsheetProperties;
  sheets: SheetState[];
  namedRanges: sheets_v4.Schema$NamedRange[];
  /** Readable with an API key alone ("anyone with the link can view"); writes always need OAuth. */
  linkShared: boolean;
  /** The principal that owns it (the sandbox user unless a service account created it). */
  owner: string;
  /** Principals it is shared with as editors besides its owner (service account emails, say). */
  sharedWith: string[];
  /** Every batchUpdate sub-request that was applied, in order. */
  applied: AppliedRequest[];
}

export interface SheetsLimits {
  /** [DOC] 10 million cells per spreadsheet (the grid counts, not only the filled cells). */
  maxCells: number;
  /** [DOC] 50,000 characters per cell. */
  maxCellCharacters: number;
}

/** A resolved range: a sheet and 0-based, end-exclusive bounds (undefined = to the grid's edge). */
export interface ResolvedRange {
  sheet: SheetState;
  startRow: number;
  endRow?: number;
  startCol: number;
  endCol?: number;
}

export interface GridBounds {
  sheet: SheetState;
  startRow: number;
  endRow: number;
  startCol: number;
  endCol: number;
}

/** [REAL] the defaultFormat a new spreadsheet reports (trimmed to its stable parts). */
const DEFAULT_SPREADSHEET_FORMAT: sheets_v4.Schema$CellFormat = {
  backgroundColor: { red: 1, green: 1, blue: 1 },
  padding: { top: 2, right: 3, bottom: 2, left: 3 },
  verticalAlignment: 'BOTTOM',
  wrapStrategy: 'OVERFLOW_CELL',
  textFormat: {
    foregroundColor: {},
    fontFamily: 'arial,sans,sans-serif',
    fontSize: 10,
    bold: false,
    italic: false,
    strikethrough: false,
    underline: false,
  },
};

// ------------------------------------------------------------------ transactions

export class Tx {
  properties: sheets_v4.Schema$SpreadsheetProperties;
  sheets: SheetState[];
  namedRanges: sheets_v4.Schema$NamedRange[];
  private readonly ownedRows = new WeakSet<Row>();

  constructor(
    readonly state: SpreadsheetState,
    readonly limits: SheetsLimits,
    readonly rng: Prng,
  ) {
    this.properties = structuredClone(state.properties);
    this.namedRanges = structuredClone(state.namedRanges);
    this.sheets = state.sheets.map((sheet) => {
      const { rows, ...meta } = sheet;
      return { ...structuredClone(meta), rows: rows.slice() };
    });
  }

  commit(): void {
    this.state.properties = this.properties;
    this.state.namedRanges = this.namedRanges;
    this.state.sheets = this.sheets;
  }

  sheetById(sheetId: number | null | undefined): SheetState | undefined {
    const id = sheetId ?? 0;
    return this.sheets.find((s) => s.properties.sheetId === id);
  }

  sheetByTitle(title: string): SheetState | undefined {
    const wanted = title.toLowerCase();
    return this.sheets.find((s) => s.properties.title.toLowerCase() === wanted);
  }

  /** A row this transaction may change (copied from the committed state on first touch). */
  row(sheet: SheetState, r: number): Row {
    let row = sheet.rows[r];
    if (row && this.ownedRows.has(row)) return row;
    row = row ? row.map((cell) => (cell === undefined ? undefined : structuredClone(cell))) : [];
    sheet.rows[r] = row;
    this.ownedRows.add(row);
    return row;
  }

  /** A cell this transaction may change, created empty if absent. */
  cell(sheet: SheetState, r: number, c: number): CellData {
    const row = this.row(sheet, r);
    let cell = row[c];
    if (!cell) {
      cell = {};
      row[c] = cell;
    }
    return cell;
  }

  /** Removes a cell's value (the cell keeps its format). */
  clearValue(sheet: SheetState, r: number, c: number): void {
    if (!sheet.rows[r]?.[c]) return;
    const cell = this.cell(sheet, r, c);
    delete cell.userEnteredValue;
    if (Object.keys(cell).length === 0) this.row(sheet, r)[c] = undefined;
  }

  totalCells(): number {
    let n = 0;
    for (const s of this.sheets) n += s.properties.gridProperties.rowCount * s.properties.gridProperties.columnCount;
    return n;
  }

  /** [REAL] wording: "This action would increase the number of cells in the workbook above the limit of 10000000 cells." */
  checkCellLimit(prefix = ''): void {
    if (this.totalCells() > this.limits.maxCells) {
      throw sheetsInvalidArgument(
        `${prefix}This action would increase the number of cells in the workbook above the limit of ${this.limits.maxCells} cells.`,
      );
    }
  }

  newSheetId(): number {
    for (;;) {
      const id = this.rng.int(1, 2_147_483_646);
      if (!this.sheetById(id)) return id;
    }
  }

  reindex(): void {
    this.sheets.forEach((s, i) => (s.properties.index = i));
  }
}

// ------------------------------------------------------------------ range helpers

export function resolveA1(view: { sheets: SheetState[] }, text: string): ResolvedRange {
  const byTitle = (name: string) => view.sheets.find((s) => s.properties.title.toLowerCase() === name.toLowerCase());
  const parsed = parseA1(text, (name) => byTitle(name) !== undefined);
  if (!parsed) throw sheetsInvalidArgument(`Unable to parse range: ${text}`);
  const sheet = parsed.sheetName === undefined ? view.sheets.find((s) => !s.properties.hidden) ?? view.sheets[0] : byTitle(parsed.sheetName);
  if (!sheet) throw sheetsInvalidArgument(`Unable to parse range: ${text}`);
  return {
    sheet,
    startRow: parsed.startRow ?? 0,
    endRow: parsed.endRow,
    startCol: parsed.startCol ?? 0,
    endCol: parsed.endCol,
  };
}

/** The range as Sheets spells it back, open ends kept open. */
export function rangeText(range: ResolvedRange, alwaysQuote = false): string {
  return formatA1(range.sheet.properties.title, range, { alwaysQuote });
}

function gridLimitError(range: ResolvedRange, prefix = ''): ApiError {
  const g = range.sheet.properties.gridProperties;
  return sheetsInvalidArgument(
    `${prefix}Range (${rangeText(range)}) exceeds grid limits. Max rows: ${g.rowCount}, max columns: ${g.columnCount}`,
  );
}

/**
 * Bounds of a range inside the grid. Open ends stop at the grid's edge; a bounded end beyond the
 * grid, or a start past it, is refused as Sheets does ([REAL] "Range (T!A1001:B) exceeds grid
 * limits. Max rows: 1000, max columns: 26").
 */
export function clampToGrid(range: ResolvedRange, prefix = ''): GridBounds {
  const g = range.sheet.properties.gridProperties;
  const endRow = range.endRow ?? g.rowCount;
  const endCol = range.endCol ?? g.columnCount;
  if (range.startRow >= g.rowCount || range.startCol >= g.columnCount || endRow > g.rowCount || endCol > g.columnCount) {
    throw gridLimitError(range, prefix);
  }
  return { sheet: range.sheet, startRow: range.startRow, endRow, startCol: range.startCol, endCol };
}

export function gridRangeToResolved(tx: Tx, gridRange: sheets_v4.Schema$GridRange | undefined, prefix: string): ResolvedRange {
  const sheet = tx.sheetById(gridRange?.sheetId);
  if (!sheet) throw sheetsInvalidArgument(`${prefix}No grid with id: ${gridRange?.sheetId ?? 0}`);
  const startRow = gridRange?.startRowIndex ?? 0;
  const startCol = gridRange?.startColumnIndex ?? 0;
  if (startRow < 0 || startCol < 0 || (gridRange?.endRowIndex ?? 0) < 0 || (gridRange?.endColumnIndex ?? 0) < 0) {
    throw sheetsInvalidArgument(`${prefix}Invalid range: negative indexes are not allowed.`);
  }
  return {
    sheet,
    startRow,
    endRow: gridRange?.endRowIndex ?? undefined,
    startCol,
    endCol: gridRange?.endColumnIndex ?? undefined,
  };
}

function rowHasValue(sheet: SheetState, r: number, startCol: number, endCol: number): boolean {
  const row = sheet.rows[r];
  if (!row) return false;
  const stop = Math.min(endCol, row.length);
  for (let c = startCol; c < stop; c++) if (row[c]?.userEnteredValue) return true;
  return false;
}

// ------------------------------------------------------------------ the model

export interface ValuesReadOptions {
  valueRenderOption?: ValueRenderOption;
  dateTimeRenderOption?: DateTimeRenderOption;
  majorDimension?: 'ROWS' | 'COLUMNS';
}

export interface ValuesWriteOptions {
  valueInputOption: ValueInputOption;
  includeValuesInResponse?: boolean;
  responseValueRenderOption?: ValueRenderOption;
  responseDateTimeRenderOption?: DateTimeRenderOption;
}

export class SheetsModel {
  readonly limits: SheetsLimits = { maxCells: 10_000_000, maxCellCharacters: MAX_CELL_CHARACTERS };
  private readonly spreadsheets = new Map<string, SpreadsheetState>();
  readonly rng: Prng;

  constructor(
    private readonly now: () => Date,
    seed = 3,
  ) {
    this.rng = new Prng(seed);
  }

  // -------------------------------------------------------------- test-facing API

  /** Creates a spreadsheet directly (no request counted). Defaults to one `Sheet1`, 1000×26, sheetId 0. */
  createSpreadsheet(
    input: {
      spreadsheetId?: string;
      title?: string;
      locale?: string;
      timeZone?: string;
      linkShared?: boolean;
      owner?: string;
      sharedWith?: string[];
      sheets?: { title: string; sheetId?: number; rowCount?: number; columnCount?: number; frozenRowCount?: number }[];
    } = {},
  ): SpreadsheetState {
    const spreadsheetId = input.spreadsheetId ?? `1${this.rng.string(43, YOUTUBE_ID_ALPHABET)}`;
    if (this.spreadsheets.has(spreadsheetId)) throw new Error(`spreadsheet ${spreadsheetId} exists`);
    const sheetsInput = input.sheets?.length ? input.sheets : [{ title: 'Sheet1', sheetId: 0 }];
    const state: SpreadsheetState = {
      spreadsheetId,
      properties: {
        title: input.title ?? 'Untitled spreadsheet',
        locale: input.locale ?? 'en_US',
        autoRecalc: 'ON_CHANGE',
        timeZone: input.timeZone ?? 'Etc/GMT',
        defaultFormat: structuredClone(DEFAULT_SPREADSHEET_FORMAT),
      },
      sheets: [],
      namedRanges: [],
      linkShared: input.linkShared ?? false,
      owner: input.owner ?? SANDBOX_USER,
      sharedWith: [...(input.sharedWith ?? [])],
      applied: [],
    };
    const used = new Set<number>();
    sheetsInput.forEach((s, index) => {
      let sheetId = s.sheetId ?? (index === 0 ? 0 : this.rng.int(1, 2_147_483_646));
      while (used.has(sheetId)) sheetId = this.rng.int(1, 2_147_483_646);
      used.add(sheetId);
      state.sheets.push(
        newSheet({
          sheetId,
          title: s.title,
          index,
          gridProperties: {
            rowCount: s.rowCount ?? 1000,
            columnCount: s.columnCount ?? 26,
            ...(s.frozenRowCount ? { frozenRowCount: s.frozenRowCount } : {}),
          },
        }),
      );
    });
    this.spreadsheets.set(spreadsheetId, state);
    return state;
  }

  spreadsheet(spreadsheetId: string): SpreadsheetState | undefined {
    return this.spreadsheets.get(spreadsheetId);
  }

  /** Shares a spreadsheet with a principal (e.g. a service account's email) as an editor. */
  share(spreadsheetId: string, principal: string): void {
    const state = this.require(spreadsheetId);
    if (!state.sharedWith.includes(principal)) state.sharedWith.push(principal);
  }

  spreadsheetIds(): string[] {
    return [...this.spreadsheets.keys()];
  }

  removeSpreadsheet(spreadsheetId: string): void {
    this.spreadsheets.delete(spreadsheetId);
  }

  /** A sheet by title (case-insensitive) or sheetId. */
  sheet(spreadsheetId: string, titleOrId: string | number): SheetState | undefined {
    const state = this.spreadsheets.get(spreadsheetId);
    if (!state) return undefined;
    return typeof titleOrId === 'number'
      ? state.sheets.find((s) => s.properties.sheetId === titleOrId)
      : state.sheets.find((s) => s.properties.title.toLowerCase() === titleOrId.toLowerCase());
  }

  /** Values of a range as values.get would answer (FORMATTED_VALUE by default), trailing blanks trimmed. */
  values(spreadsheetId: string, range: string, render: ValueRenderOption = 'FORMATTED_VALUE'): (string | number | boolean)[][] {
    return this.valuesGet(spreadsheetId, range, { valueRenderOption: render }).values ?? [];
  }

  /** The stored cell (value, format, note, validation) at an A1 cell such as `Videos!B2`. */
  cell(spreadsheetId: string, a1: string): CellData | undefined {
    const state = this.require(spreadsheetId);
    const range = resolveA1(state, a1);
    const cell = range.sheet.rows[range.startRow]?.[range.startCol];
    return cell ? withComputedFields(cell) : undefined;
  }

  /** Every batchUpdate sub-request applied to a spreadsheet, in order. */
  appliedRequests(spreadsheetId: string, kind?: string): readonly AppliedRequest[] {
    const applied = this.require(spreadsheetId).applied;
    return kind ? applied.filter((a) => a.kind === kind) : applied;
  }

  // -------------------------------------------------------------- API operations

  require(spreadsheetId: string): SpreadsheetState {
    const state = this.spreadsheets.get(spreadsheetId);
    if (!state) throw sheetsNotFound();
    return state;
  }

  transaction<T>(spreadsheetId: string, work: (tx: Tx) => T): T {
    const tx = new Tx(this.require(spreadsheetId), this.limits, this.rng);
    const result = work(tx);
    tx.commit();
    return result;
  }

  /** spreadsheets.get ([DOC] Spreadsheet resource; empty repeated fields left out as Google does). */
  get(spreadsheetId: string, options: { ranges?: string[]; includeGridData?: boolean } = {}): sheets_v4.Schema$Spreadsheet {
    const state = this.require(spreadsheetId);
    const ranges = (options.ranges ?? []).map((text) => resolveA1(state, text));
    const sheets: sheets_v4.Schema$Sheet[] = [];
    for (const sheet of state.sheets) {
      const wanted = ranges.filter((r) => r.sheet === sheet);
      if (ranges.length > 0 && wanted.length === 0) continue;
      const out = renderSheet(sheet);
      if (options.includeGridData) {
        const g = sheet.properties.gridProperties;
        const pieces = wanted.length > 0 ? wanted : [{ sheet, startRow: 0, startCol: 0, endRow: g.rowCount, endCol: g.columnCount }];
        out.data = pieces.map((piece) => gridData(clampToGrid(piece)));
      }
      sheets.push(out);
    }
    const spreadsheet: sheets_v4.Schema$Spreadsheet = {
      spreadsheetId,
      properties: structuredClone(state.properties),
      sheets,
      spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${spreadsheetId}/edit`,
    };
    if (state.namedRanges.length) spreadsheet.namedRanges = structuredClone(state.namedRanges);
    return spreadsheet;
  }

  /** spreadsheets.values.get ([DOC] ValueRange: `range`, `majorDimension`, `values` without trailing blanks). */
  valuesGet(spreadsheetId: string, rangeText_: string, options: ValuesReadOptions = {}): sheets_v4.Schema$ValueRange {
    const state = this.require(spreadsheetId);
    return readValues(resolveA1(state, rangeText_), options);
  }

  valuesBatchGet(spreadsheetId: string, ranges: string[], options: ValuesReadOptions = {}): sheets_v4.Schema$BatchGetValuesResponse {
    const state = this.require(spreadsheetId);
    const resolved = ranges.map((r) => resolveA1(state, r));
    return { spreadsheetId, valueRanges: resolved.map((r) => readValues(r, options)) };
  }

  /** spreadsheets.values.update ([DOC] UpdateValuesResponse). */
  valuesUpdate(
    spreadsheetId: string,
    range: string,
    body: sheets_v4.Schema$ValueRange,
    options: ValuesWriteOptions,
  ): sheets_v4.Schema$UpdateValuesResponse {
    checkBodyRange(body, range);
    return this.transaction(spreadsheetId, (tx) => {
      const target = resolveA1(tx, range);
      return writeValues(tx, spreadsheetId, target, body, options);
    });
  }

  /** spreadsheets.values.batchUpdate: all ranges or none. */
  valuesBatchUpdate(spreadsheetId: string, body: sheets_v4.Schema$BatchUpdateValuesRequest): sheets_v4.Schema$BatchUpdateValuesResponse {
    const valueInputOption = requireValueInputOption(body.valueInputOption ?? undefined);
    const options: ValuesWriteOptions = {
      valueInputOption,
      includeValuesInResponse: body.includeValuesInResponse ?? false,
      responseValueRenderOption: (body.responseValueRenderOption as ValueRenderOption) ?? undefined,
      responseDateTimeRenderOption: (body.responseDateTimeRenderOption as DateTimeRenderOption) ?? undefined,
    };
    return this.transaction(spreadsheetId, (tx) => {
      const responses = (body.data ?? []).map((valueRange, i) => {
        if (!valueRange.range) throw sheetsInvalidArgument(`Invalid data[${i}]: Unable to parse range: `);
        return writeValues(tx, spreadsheetId, resolveA1(tx, valueRange.range), valueRange, options);
      });
      const sheetsTouched = new Set(responses.map((r) => r.updatedRange?.split('!')[0]));
      const out: sheets_v4.Schema$BatchUpdateValuesResponse = {
        spreadsheetId,
        totalUpdatedRows: sum(responses, 'updatedRows'),
        totalUpdatedColumns: sum(responses, 'updatedColumns'),
        totalUpdatedCells: sum(responses, 'updatedCells'),
        totalUpdatedSheets: sheetsTouched.size,
        responses,
      };
      return out;
    });
  }

  /**
   * spreadsheets.values.append ([DOC] "the input range is used to search for existing data and
   * find a 'table' within that range. Values will be appended to the next row of the table,
   * starting with the first column of the table"). The grid grows when the rows do not fit.
   */
  valuesAppend(
    spreadsheetId: string,
    range: string,
    body: sheets_v4.Schema$ValueRange,
    options: ValuesWriteOptions & { insertDataOption?: 'OVERWRITE' | 'INSERT_ROWS' },
  ): sheets_v4.Schema$AppendValuesResponse {
    checkBodyRange(body, range);
    return this.transaction(spreadsheetId, (tx) => {
      const target = resolveA1(tx, range);
      const sheet = target.sheet;
      const values = orient(body.values ?? [], body.majorDimension ?? 'ROWS');
      const width = Math.max(0, ...values.map((row) => row.length));
      const table = findTable(sheet, target);
      const startCol = table ? table.startCol : target.startCol;
      const appendRow = table ? table.endRow : target.startRow;
      if (values.length > 0) {
        const g = sheet.properties.gridProperties;
        if (options.insertDataOption === 'INSERT_ROWS') {
          insertRows(tx, sheet, appendRow, values.length);
        } else if (appendRow + values.length > g.rowCount) {
          g.rowCount = appendRow + values.length;
        }
        if (startCol + width > g.columnCount) g.columnCount = startCol + width;
        tx.checkCellLimit();
      }
      const written = writeValues(
        tx,
        spreadsheetId,
        { sheet, startRow: appendRow, startCol, endRow: undefined, endCol: undefined },
        { ...body, values, majorDimension: 'ROWS' },
        options,
        { anchorOnly: true },
      );
      const out: sheets_v4.Schema$AppendValuesResponse = { spreadsheetId };
      if (table) out.tableRange = formatA1(sheet.properties.title, table);
      out.updates = written;
      return out;
    });
  }

  /** spreadsheets.values.clear: values go, formats stay ([DOC]). */
  valuesClear(spreadsheetId: string, range: string): sheets_v4.Schema$ClearValuesResponse {
    return this.transaction(spreadsheetId, (tx) => {
      const bounds = clampToGrid(resolveA1(tx, range));
      clearBounds(tx, bounds);
      return { spreadsheetId, clearedRange: formatA1(bounds.sheet.properties.title, bounds) };
    });
  }

  valuesBatchClear(spreadsheetId: string, ranges: string[]): sheets_v4.Schema$BatchClearValuesResponse {
    return this.transaction(spreadsheetId, (tx) => {
      const cleared = ranges.map((range) => {
        const bounds = clampToGrid(resolveA1(tx, range));
        clearBounds(tx, bounds);
        return formatA1(bounds.sheet.properties.title, bounds);
      });
      return { spreadsheetId, clearedRanges: cleared };
    });
  }

  /** For handlers: records applied sub-requests after a successful commit. */
  recordApplied(spreadsheetId: string, requests: Record<string, unknown>[]): void {
    const state = this.require(spreadsheetId);
    const at = this.now();
    for (const request of requests) {
      const kind = Object.keys(request)[0];
      state.applied.push({ kind, request: structuredClone((request as Record<string, Record<string, unknown>>)[kind]), at });
    }
  }
}

// ------------------------------------------------------------------ helpers used by both files

export function newSheet(properties: SheetState['properties']): SheetState {
  return {
    properties: { sheetType: 'GRID', ...properties },
    rows: [],
    conditionalFormats: [],
    tables: [],
    bandedRanges: [],
    merges: [],
    protectedRanges: [],
    rowMetadata: [],
    columnMetadata: [],
  };
}

/** A sheet in the Spreadsheet resource shape, empty repeated fields left out. */
export function renderSheet(sheet: SheetState): sheets_v4.Schema$Sheet {
  const out: sheets_v4.Schema$Sheet = { properties: structuredClone(sheet.properties) };
  if (sheet.conditionalFormats.length) out.conditionalFormats = structuredClone(sheet.conditionalFormats);
  if (sheet.basicFilter) out.basicFilter = structuredClone(sheet.basicFilter);
  if (sheet.merges.length) out.merges = structuredClone(sheet.merges);
  if (sheet.bandedRanges.length) out.bandedRanges = structuredClone(sheet.bandedRanges);
  if (sheet.tables.length) out.tables = structuredClone(sheet.tables);
  if (sheet.protectedRanges.length) out.protectedRanges = structuredClone(sheet.protectedRanges);
  return out;
}

/** [DOC] GridData: startRow/startColumn (omitted when 0), rowData, rowMetadata, columnMetadata. */
function gridData(bounds: GridBounds): sheets_v4.Schema$GridData {
  const { sheet, startRow, endRow, startCol, endCol } = bounds;
  const rowData: sheets_v4.Schema$RowData[] = [];
  let lastFilled = -1;
  for (let r = startRow; r < endRow; r++) {
    const row = sheet.rows[r];
    const values: CellData[] = [];
    let lastCell = -1;
    for (let c = startCol; c < endCol; c++) {
      const cell = row?.[c];
      values.push(cell ? withComputedFields(cell) : {});
      if (cell) lastCell = c - startCol;
    }
    values.length = lastCell + 1;
    rowData.push(values.length ? { values } : {});
    if (values.length) lastFilled = r - startRow;
  }
  rowData.length = lastFilled + 1;
  const data: sheets_v4.Schema$GridData = {};
  if (startRow) data.startRow = startRow;
  if (startCol) data.startColumn = startCol;
  if (rowData.length) data.rowData = rowData;
  data.rowMetadata = [];
  for (let r = startRow; r < endRow; r++) data.rowMetadata.push(sheet.rowMetadata[r] ? structuredClone(sheet.rowMetadata[r]!) : { pixelSize: 21 });
  data.columnMetadata = [];
  for (let c = startCol; c < endCol; c++) data.columnMetadata.push(sheet.columnMetadata[c] ? structuredClone(sheet.columnMetadata[c]!) : { pixelSize: 100 });
  return data;
}

function readValues(range: ResolvedRange, options: ValuesReadOptions): sheets_v4.Schema$ValueRange {
  const bounds = clampToGrid(range);
  const render = options.valueRenderOption ?? 'FORMATTED_VALUE';
  const dates = options.dateTimeRenderOption ?? 'SERIAL_NUMBER';
  const rows: (string | number | boolean)[][] = [];
  for (let r = bounds.startRow; r < bounds.endRow; r++) {
    const row = bounds.sheet.rows[r];
    const out: (string | number | boolean)[] = [];
    if (row) {
      for (let c = bounds.startCol; c < Math.min(bounds.endCol, row.length); c++) out.push(renderCell(row[c], render, dates));
    }
    while (out.length && out[out.length - 1] === '') out.pop();
    rows.push(out);
  }
  while (rows.length && rows[rows.length - 1].length === 0) rows.pop();
  const majorDimension = options.majorDimension ?? 'ROWS';
  const result: sheets_v4.Schema$ValueRange = {
    range: formatA1(bounds.sheet.properties.title, bounds),
    majorDimension,
  };
  const values = majorDimension === 'COLUMNS' ? transposeTrimmed(rows) : rows;
  if (values.length) result.values = values;
  return result;
}

function transposeTrimmed(rows: (string | number | boolean)[][]): (string | number | boolean)[][] {
  const width = Math.max(0, ...rows.map((r) => r.length));
  const cols: (string | number | boolean)[][] = [];
  for (let c = 0; c < width; c++) {
    const col = rows.map((r) => (c < r.length ? r[c] : ''));
    while (col.length && col[col.length - 1] === '') col.pop();
    cols.push(col);
  }
  return cols;
}

function orient(values: unknown[][], majorDimension: string): unknown[][] {
  if (majorDimension !== 'COLUMNS') return values;
  const height = Math.max(0, ...values.map((c) => c.length));
  const rows: unknown[][] = [];
  for (let r = 0; r < height; r++) rows.push(values.map((col) => (r < col.length ? col[r] : null)));
  return rows;
}

function sum(items: sheets_v4.Schema$UpdateValuesResponse[], key: 'updatedRows' | 'updatedColumns' | 'updatedCells'): number {
  return items.reduce((n, item) => n + (item[key] ?? 0), 0);
}

export function requireValueInputOption(value: string | undefined): ValueInputOption {
  if (value === undefined || value === '' || value === 'INPUT_VALUE_OPTION_UNSPECIFIED') {
    // [UNSURE] wording of the missing-option error.
    throw sheetsInvalidArgument("'valueInputOption' is required but not specified");
  }
  if (value !== 'RAW' && value !== 'USER_ENTERED') {
    throw sheetsBadPayload(
      `Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "${value}"`,
      'value_input_option',
    );
  }
  return value;
}

/** The body's `range`, when given, must name the URL's range ([UNSURE] Google's exact wording). */
function checkBodyRange(body: sheets_v4.Schema$ValueRange, urlRange: string): void {
  if (body.range && body.range.replace(/'/g, '') !== urlRange.replace(/'/g, '')) {
    throw sheetsInvalidArgument(
      `Requested range [${urlRange}] does not match the range in the request body [${body.range}].`,
    );
  }
}

/**
 * Writes a value grid at a range. A single-cell or open range is an anchor (the data may extend
 * from it); a bounded multi-cell range must contain the data. Writing outside the grid is refused
 * except for append, which grew the grid before calling.
 */
function writeValues(
  tx: Tx,
  spreadsheetId: string,
  target: ResolvedRange,
  body: sheets_v4.Schema$ValueRange,
  options: ValuesWriteOptions,
  mode: { anchorOnly?: boolean } = {},
): sheets_v4.Schema$UpdateValuesResponse {
  const sheet = target.sheet;
  const values = mode.anchorOnly ? (body.values ?? []) : orient(body.values ?? [], body.majorDimension ?? 'ROWS');
  const height = values.length;
  const width = Math.max(0, ...values.map((row) => (Array.isArray(row) ? row.length : 0)));
  const singleCell = target.endRow === target.startRow + 1 && target.endCol === target.startCol + 1;
  if (!mode.anchorOnly && !singleCell) {
    if (target.endRow !== undefined && target.startRow + height > target.endRow) {
      throw sheetsInvalidArgument(
        `Requested writing within range [${rangeText(target, true)}], but tried writing to row [${target.startRow + height}]`,
      );
    }
    if (target.endCol !== undefined && target.startCol + width > target.endCol) {
      throw sheetsInvalidArgument(
        `Requested writing within range [${rangeText(target, true)}], but tried writing to column [${columnLetters(target.startCol + width - 1)}]`,
      );
    }
  }
  const g = sheet.properties.gridProperties;
  if (target.startRow >= g.rowCount || target.startCol >= g.columnCount || target.startRow + height > g.rowCount || target.startCol + width > g.columnCount) {
    const written = { sheet, startRow: target.startRow, startCol: target.startCol, endRow: target.startRow + Math.max(height, 1), endCol: target.startCol + Math.max(width, 1) };
    throw gridLimitError(written);
  }
  let cells = 0;
  values.forEach((row, i) => {
    if (!Array.isArray(row)) throw sheetsInvalidArgument(`Invalid values[${i}]: a row must be a list of values`);
    row.forEach((raw, j) => {
      const parsed = parseInput(raw, options.valueInputOption);
      const r = target.startRow + i;
      const c = target.startCol + j;
      cells++;
      if (parsed.kind === 'skip') return;
      if (parsed.kind === 'clear') {
        tx.clearValue(sheet, r, c);
        return;
      }
      if (inputLength(parsed.value) > tx.limits.maxCellCharacters) {
        // [REAL] Sheets' own wording for the 50,000-character limit.
        throw sheetsInvalidArgument(
          `Your input contains more than the maximum of ${tx.limits.maxCellCharacters} characters in a single cell.`,
        );
      }
      const cell = tx.cell(sheet, r, c);
      cell.userEnteredValue = parsed.value;
      if (parsed.numberFormat && !cell.userEnteredFormat?.numberFormat) {
        cell.userEnteredFormat = { ...(cell.userEnteredFormat ?? {}), numberFormat: parsed.numberFormat };
      }
    });
  });
  const writtenBounds = {
    sheet,
    startRow: target.startRow,
    startCol: target.startCol,
    endRow: target.startRow + Math.max(height, 1),
    endCol: target.startCol + Math.max(width, 1),
  };
  const response: sheets_v4.Schema$UpdateValuesResponse = {
    spreadsheetId,
    updatedRange: height === 0 ? rangeText(target) : formatA1(sheet.properties.title, writtenBounds),
  };
  if (height > 0) {
    response.updatedRows = height;
    response.updatedColumns = width;
    response.updatedCells = cells;
  }
  if (options.includeValuesInResponse) {
    response.updatedData = readValues(writtenBounds, {
      valueRenderOption: options.responseValueRenderOption,
      dateTimeRenderOption: options.responseDateTimeRenderOption,
    });
  }
  return response;
}

/**
 * The table values.append extends: the first run of consecutive non-empty rows at or below the
 * range's first row, within the range's columns (or, for a one-column anchor, the columns the
 * data reaches). Returns undefined when the range holds no data.
 */
function findTable(sheet: SheetState, target: ResolvedRange): GridBounds | undefined {
  const g = sheet.properties.gridProperties;
  const anchorOnly = target.endCol === undefined || target.endCol === target.startCol + 1;
  const colStart = target.startCol;
  const colEnd = anchorOnly ? g.columnCount : target.endCol!;
  const rowEnd = target.endRow === undefined || target.endRow === target.startRow + 1 ? g.rowCount : target.endRow;
  let first = -1;
  for (let r = target.startRow; r < Math.min(rowEnd, sheet.rows.length); r++) {
    if (rowHasValue(sheet, r, colStart, colEnd)) {
      first = r;
      break;
    }
  }
  if (first < 0) return undefined;
  let last = first;
  // The table continues through consecutive non-empty rows, even past the range's end row.
  while (last + 1 < sheet.rows.length && rowHasValue(sheet, last + 1, colStart, colEnd)) last++;
  let right = colStart;
  for (let r = first; r <= last; r++) {
    const row = sheet.rows[r] ?? [];
    for (let c = Math.min(colEnd, row.length) - 1; c >= colStart; c--) {
      if (row[c]?.userEnteredValue) {
        right = Math.max(right, c);
        break;
      }
    }
  }
  return {
    sheet,
    startRow: first,
    endRow: last + 1,
    startCol: colStart,
    endCol: anchorOnly ? right + 1 : colEnd,
  };
}

function clearBounds(tx: Tx, bounds: GridBounds): void {
  for (let r = bounds.startRow; r < Math.min(bounds.endRow, bounds.sheet.rows.length); r++) {
    const row = bounds.sheet.rows[r];
    if (!row) continue;
    for (let c = bounds.startCol; c < Math.min(bounds.endCol, row.length); c++) tx.clearValue(bounds.sheet, r, c);
  }
}

// ------------------------------------------------------------------ dimension shifts

type RangeLike = { startRowIndex?: number | null; endRowIndex?: number | null; startColumnIndex?: number | null; endColumnIndex?: number | null; sheetId?: number | null };

/** Moves one GridRange for an inserted or deleted block; returns false when a deletion swallowed it. */
export function shiftGridRange(range: RangeLike, dimension: 'ROWS' | 'COLUMNS', at: number, count: number, op: 'insert' | 'delete'): boolean {
  const startKey = dimension === 'ROWS' ? 'startRowIndex' : 'startColumnIndex';
  const endKey = dimension === 'ROWS' ? 'endRowIndex' : 'endColumnIndex';
  const shift = (x: number | null | undefined, isEnd: boolean): number | null | undefined => {
    if (x === undefined || x === null) return x;
    if (op === 'insert') return x > at || (!isEnd && x === at) ? x + count : x;
    if (x >= at + count) return x - count;
    return x > at ? at : x;
  };
  range[startKey] = shift(range[startKey], false) ?? range[startKey];
  range[endKey] = shift(range[endKey], true) ?? range[endKey];
  const start = range[startKey] ?? 0;
  const end = range[endKey];
  return end === undefined || end === null || end > start;
}

/** Applies a shift to every range-bearing thing on a sheet (formats, filter, merges, bands, tables). */
export function shiftSheetRanges(tx: Tx, sheet: SheetState, dimension: 'ROWS' | 'COLUMNS', at: number, count: number, op: 'insert' | 'delete'): void {
  const s = (r: RangeLike | undefined) => (r ? shiftGridRange(r, dimension, at, count, op) : true);
  sheet.conditionalFormats = sheet.conditionalFormats.filter((rule) => {
    rule.ranges = (rule.ranges ?? []).filter((r) => s(r));
    return rule.ranges.length > 0;
  });
  if (sheet.basicFilter && !s(sheet.basicFilter.range ?? undefined)) delete sheet.basicFilter;
  sheet.merges = sheet.merges.filter((m) => s(m));
  sheet.bandedRanges = sheet.bandedRanges.filter((b) => s(b.range ?? undefined));
  sheet.tables = sheet.tables.filter((t) => s(t.range ?? undefined));
  sheet.protectedRanges = sheet.protectedRanges.filter((p) => s(p.range ?? undefined));
  tx.namedRanges = tx.namedRanges.filter((n) => (n.range?.sheetId ?? 0) !== sheet.properties.sheetId || s(n.range ?? undefined));
}

/** Inserts empty rows at `at`, moving rows, metadata and ranges down and growing the grid. */
export function insertRows(tx: Tx, sheet: SheetState, at: number, count: number): void {
  if (at < sheet.rows.length) sheet.rows.splice(at, 0, ...new Array<Row | undefined>(count));
  if (at < sheet.rowMetadata.length) sheet.rowMetadata.splice(at, 0, ...new Array<undefined>(count));
  sheet.properties.gridProperties.rowCount += count;
  shiftSheetRanges(tx, sheet, 'ROWS', at, count, 'insert');
}

export { quoteSheetName };
