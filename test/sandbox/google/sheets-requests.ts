import type { sheets_v4 } from '@googleapis/sheets';
import { applyMask, FieldSyntaxError, maskPaths, parseFields } from './fields';
import { ApiError, sheetsBadPayload, sheetsInvalidArgument } from './errors';
import {
  type GridBounds,
  type SheetState,
  type SheetsModel,
  Tx,
  clampToGrid,
  gridRangeToResolved,
  insertRows,
  newSheet,
  shiftSheetRanges,
} from './sheets-model';
import { type CellData, effectiveValueOf, formatValue, inputLength } from './sheets-values';

/**
 * spreadsheets.batchUpdate: the sub-requests the archiver uses (and the neighbours it is likely to
 * reach for), applied to one transaction so the whole batch lands or none of it does ([DOC]
 * "If any request is not valid, the entire request will fail and nothing will be applied").
 *
 * Error messages follow Google's pattern `Invalid requests[i].<kind>: <reason>` ([REAL]
 * `Invalid requests[2].updateCells: No grid with id: 999999`). JSON-level mistakes (an unknown
 * request kind or field, a bad enum value) use Google's "Invalid JSON payload received" form
 * with a BadRequest detail ([REAL] node-google-spreadsheet#523).
 */

type Json = Record<string, unknown>;
/** `at` is the request's path in Google's snake_case error form, e.g. `requests[2].add_sheet`. */
type Handler = (tx: Tx, request: Json, prefix: string, at: string) => Json | undefined;

/** Every Request kind the v4 discovery document defines ([GEN] Schema$Request). */
const KNOWN_REQUEST_KINDS = new Set(
  (
    'addBanding addChart addCommentReply addConditionalFormatRule addDataSource addDimensionGroup addFilterView ' +
    'addNamedRange addProtectedRange addSheet addSlicer addTable appendCells appendDimension autoFill ' +
    'autoResizeDimensions cancelDataSourceRefresh clearBasicFilter copyPaste createDeveloperMetadata cutPaste ' +
    'deleteBanding deleteComment deleteCommentReply deleteConditionalFormatRule deleteDataSource ' +
    'deleteDeveloperMetadata deleteDimension deleteDimensionGroup deleteDuplicates deleteEmbeddedObject ' +
    'deleteFilterView deleteNamedRange deleteProtectedRange deleteRange deleteSheet deleteTable ' +
    'duplicateFilterView duplicateSheet findReplace insertComment insertDimension insertRange mergeCells ' +
    'moveDimension pasteData randomizeRange refreshDataSource repeatCell setBasicFilter setDataValidation ' +
    'sortRange textToColumns trimWhitespace unmergeCells updateBanding updateBorders updateCells updateChartSpec ' +
    'updateCommentPost updateConditionalFormatRule updateDataSource updateDeveloperMetadata updateDimensionGroup ' +
    'updateDimensionProperties updateEmbeddedObjectBorder updateEmbeddedObjectPosition updateFilterView ' +
    'updateNamedRange updateProtectedRange updateSheetProperties updateSlicerSpec updateSpreadsheetProperties updateTable'
  ).split(' '),
);

/** [GEN] Schema$SheetProperties / Schema$GridProperties field names. */
const SHEET_PROPERTY_FIELDS = new Set(['sheetId', 'title', 'index', 'sheetType', 'gridProperties', 'hidden', 'tabColor', 'tabColorStyle', 'rightToLeft', 'dataSourceSheetProperties']);
const GRID_PROPERTY_FIELDS = new Set(['rowCount', 'columnCount', 'frozenRowCount', 'frozenColumnCount', 'hideGridlines', 'rowGroupControlAfter', 'columnGroupControlAfter']);
/** [GEN] Schema$CellData field names (what repeatCell / updateCells masks may name). */
const CELL_FIELDS = new Set([
  'userEnteredValue', 'effectiveValue', 'formattedValue', 'userEnteredFormat', 'effectiveFormat', 'hyperlink', 'note',
  'textFormatRuns', 'dataValidation', 'pivotTable', 'dataSourceTable', 'dataSourceFormula', 'chipRuns',
]);

/** [DOC] ConditionType values. */
const CONDITION_TYPES = new Set(
  (
    'NUMBER_GREATER NUMBER_GREATER_THAN_EQ NUMBER_LESS NUMBER_LESS_THAN_EQ NUMBER_EQ NUMBER_NOT_EQ NUMBER_BETWEEN ' +
    'NUMBER_NOT_BETWEEN TEXT_CONTAINS TEXT_NOT_CONTAINS TEXT_STARTS_WITH TEXT_ENDS_WITH TEXT_EQ TEXT_IS_EMAIL ' +
    'TEXT_IS_URL DATE_EQ DATE_BEFORE DATE_AFTER DATE_ON_OR_BEFORE DATE_ON_OR_AFTER DATE_BETWEEN DATE_NOT_BETWEEN ' +
    'DATE_IS_VALID ONE_OF_RANGE ONE_OF_LIST BLANK NOT_BLANK CUSTOM_FORMULA BOOLEAN TEXT_NOT_EQ DATE_NOT_EQ FILTER_EXPRESSION'
  ).split(' '),
);

/** [DOC] Table column types ([UNSURE] the full list; these are the ones the guide names). */
const TABLE_COLUMN_TYPES = new Set([
  'DOUBLE', 'CURRENCY', 'PERCENT', 'DATE', 'TIME', 'DATE_TIME', 'TEXT', 'BOOLEAN', 'DROPDOWN',
  'FILES_CHIP', 'PEOPLE_CHIP', 'FINANCE_CHIP', 'PLACE_CHIP', 'RATINGS_CHIP',
]);

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function unknownField(name: string, at: string): ApiError {
  const where = at ? ` at '${at}'` : '';
  return sheetsBadPayload(`Invalid JSON payload received. Unknown name "${name}"${where}: Cannot find field.`, at ? `${at}.${name}` : name);
}

function badEnum(path: string, enumType: string, value: unknown): ApiError {
  return sheetsBadPayload(
    `Invalid value at '${path}' (type.googleapis.com/google.apps.sheets.v4.${enumType}), ${JSON.stringify(value)}`,
    path,
  );
}

function checkKeys(value: unknown, allowed: Set<string>, at: string): void {
  if (!value || typeof value !== 'object') return;
  for (const key of Object.keys(value)) if (!allowed.has(key)) throw unknownField(key, at);
}

function parseMask(fields: unknown, prefix: string): string[][] {
  if (typeof fields !== 'string' || fields.trim() === '') {
    // [UNSURE] wording; Google refuses an update whose field mask is empty.
    throw sheetsInvalidArgument(`${prefix}At least one field must be specified.`);
  }
  try {
    return maskPaths(parseFields(fields));
  } catch (err) {
    if (err instanceof FieldSyntaxError) throw sheetsInvalidArgument(`${prefix}Invalid field mask: ${fields}`);
    throw err;
  }
}

function int(value: unknown, fallback = 0): number {
  return typeof value === 'number' ? value : fallback;
}

function bounds(tx: Tx, range: unknown, prefix: string): GridBounds {
  return clampToGrid(gridRangeToResolved(tx, range as sheets_v4.Schema$GridRange | undefined, prefix), prefix);
}

function requireSheet(tx: Tx, sheetId: unknown, prefix: string): SheetState {
  const sheet = tx.sheetById(typeof sheetId === 'number' ? sheetId : 0);
  if (!sheet) throw sheetsInvalidArgument(`${prefix}No grid with id: ${typeof sheetId === 'number' ? sheetId : 0}`);
  return sheet;
}

/** Checks the grid invariants Sheets enforces after any change to a sheet's size or frozen panes. */
function checkGrid(sheet: SheetState, prefix: string, rowCountChanged: boolean): void {
  const g = sheet.properties.gridProperties;
  // [REAL] these three messages come from Google (node-google-spreadsheet#528, google-drive-ruby#391).
  if (g.rowCount <= 0) throw sheetsInvalidArgument(`${prefix}You can't delete all the rows on the sheet.`);
  if (g.columnCount <= 0) throw sheetsInvalidArgument(`${prefix}You can't delete all the columns on the sheet.`);
  if ((g.frozenRowCount ?? 0) >= g.rowCount) {
    throw sheetsInvalidArgument(
      rowCountChanged ? `${prefix}Sorry, it is not possible to delete all non-frozen rows.` : `${prefix}You can't freeze all visible rows on the sheet.`,
    );
  }
  if ((g.frozenColumnCount ?? 0) >= g.columnCount) {
    throw sheetsInvalidArgument(`${prefix}You can't freeze all visible columns on the sheet.`);
  }
  if ((g.frozenRowCount ?? 0) < 0 || (g.frozenColumnCount ?? 0) < 0) {
    throw sheetsInvalidArgument(`${prefix}Frozen counts cannot be negative.`);
  }
}

function forEachCell(tx: Tx, b: GridBounds, visit: (cell: CellData, r: number, c: number) => void): void {
  for (let r = b.startRow; r < b.endRow; r++) for (let c = b.startCol; c < b.endCol; c++) visit(tx.cell(b.sheet, r, c), r, c);
}

function checkCellValueLength(tx: Tx, cell: CellData, prefix: string): void {
  if (cell.userEnteredValue && inputLength(cell.userEnteredValue) > tx.limits.maxCellCharacters) {
    throw sheetsInvalidArgument(`${prefix}Your input contains more than the maximum of ${tx.limits.maxCellCharacters} characters in a single cell.`);
  }
}

function applyCellMask(tx: Tx, target: CellData, source: CellData, paths: string[][], prefix: string): void {
  applyMask(target as Json, source as Json, paths);
  checkCellValueLength(tx, target, prefix);
}

function checkCellMask(paths: string[][], prefix: string): void {
  for (const path of paths) {
    if (path[0] !== '*' && !CELL_FIELDS.has(path[0])) throw sheetsInvalidArgument(`${prefix}Invalid field mask: ${path.join('.')}`);
  }
}

function validateCondition(condition: Json | undefined, path: string, prefix: string, usage: 'format' | 'validation' | 'filter'): void {
  if (!condition) throw sheetsInvalidArgument(`${prefix}A condition is required.`);
  const type = condition.type;
  if (typeof type !== 'string' || !CONDITION_TYPES.has(type)) throw badEnum(`${path}.type`, 'ConditionType', type);
  const count = Array.isArray(condition.values) ? condition.values.length : 0;
  const expected: Record<string, [number, number]> = {
    BLANK: [0, 0], NOT_BLANK: [0, 0], TEXT_IS_EMAIL: [0, 0], TEXT_IS_URL: [0, 0], DATE_IS_VALID: [0, 0], BOOLEAN: [0, 2],
    NUMBER_BETWEEN: [2, 2], NUMBER_NOT_BETWEEN: [2, 2], DATE_BETWEEN: [2, 2], DATE_NOT_BETWEEN: [2, 2],
    ONE_OF_LIST: [1, Infinity], FILTER_EXPRESSION: [1, 1],
  };
  const [min, max] = expected[type] ?? [1, 1];
  if (count < min || count > max) {
    // [UNSURE] wording; the rule (how many ConditionValues each type takes) is [DOC] ConditionType.
    throw sheetsInvalidArgument(`${prefix}Invalid ConditionValue count for ${type}: ${count} given, ${min === max ? min : `${min} to ${max}`} expected.`);
  }
  if (type === 'CUSTOM_FORMULA') {
    const formula = (condition.values as Json[])[0]?.userEnteredValue;
    if (typeof formula !== 'string' || !formula.startsWith('=')) {
      throw sheetsInvalidArgument(`${prefix}Invalid ConditionValue.userEnteredValue: ${String(formula)}`);
    }
  }
  if (usage === 'format' && (type === 'ONE_OF_RANGE' || type === 'ONE_OF_LIST' || type === 'DATE_IS_VALID' || type === 'BOOLEAN')) {
    // [DOC] ConditionType notes: these are "Supported by data validation" (and filters), not conditional formatting.
    throw sheetsInvalidArgument(`${prefix}Invalid ConditionType for conditional formatting: ${type}`);
  }
}

function validateConditionalRule(tx: Tx, rule: Json | undefined, prefix: string, path: string): SheetState {
  if (!rule) throw sheetsInvalidArgument(`${prefix}A rule is required.`);
  const ranges = Array.isArray(rule.ranges) ? (rule.ranges as sheets_v4.Schema$GridRange[]) : [];
  if (ranges.length === 0) throw sheetsInvalidArgument(`${prefix}At least one range is required.`);
  const sheetIds = new Set(ranges.map((r) => r.sheetId ?? 0));
  if (sheetIds.size > 1) throw sheetsInvalidArgument(`${prefix}All ranges must be on the same sheet.`);
  for (const range of ranges) bounds(tx, range, prefix);
  const hasBoolean = rule.booleanRule !== undefined;
  const hasGradient = rule.gradientRule !== undefined;
  if (hasBoolean === hasGradient) throw sheetsInvalidArgument(`${prefix}Exactly one of booleanRule or gradientRule must be set.`);
  if (hasBoolean) {
    const booleanRule = rule.booleanRule as Json;
    validateCondition(booleanRule.condition as Json | undefined, `${path}.boolean_rule.condition`, prefix, 'format');
    if (!booleanRule.format) throw sheetsInvalidArgument(`${prefix}A format is required.`);
  } else {
    const gradient = rule.gradientRule as Json;
    if (!gradient.minpoint || !gradient.maxpoint) throw sheetsInvalidArgument(`${prefix}A gradient rule needs a minpoint and a maxpoint.`);
  }
  return tx.sheetById(ranges[0].sheetId)!;
}

/** Sheets' sort order, ascending: numbers, then text (case-insensitive), then booleans; blanks always last. */
function compareCells(a: CellData | undefined, b: CellData | undefined, descending: boolean): number {
  const va = effectiveValueOf(a);
  const vb = effectiveValueOf(b);
  if (!va && !vb) return 0;
  if (!va) return 1;
  if (!vb) return -1;
  const rank = (v: sheets_v4.Schema$ExtendedValue) => (v.numberValue != null ? 0 : v.stringValue != null ? 1 : v.boolValue != null ? 2 : 3);
  let result = rank(va) - rank(vb);
  if (result === 0) {
    if (va.numberValue != null) result = va.numberValue - (vb.numberValue ?? 0);
    else if (va.stringValue != null) result = va.stringValue.localeCompare(vb.stringValue ?? '', 'en', { sensitivity: 'base' });
    else if (va.boolValue != null) result = Number(va.boolValue) - Number(vb.boolValue);
  }
  return descending ? -result : result;
}

function sortBounds(tx: Tx, b: GridBounds, specs: sheets_v4.Schema$SortSpec[], prefix: string): void {
  for (const spec of specs) {
    if (spec.sortOrder && spec.sortOrder !== 'ASCENDING' && spec.sortOrder !== 'DESCENDING') {
      throw badEnum('sort_specs.sort_order', 'SortOrder', spec.sortOrder);
    }
    const col = spec.dimensionIndex ?? 0;
    if (col < b.startCol || col >= b.endCol) throw sheetsInvalidArgument(`${prefix}Sort column ${col} is outside the range.`);
  }
  const slices: (CellData | undefined)[][] = [];
  for (let r = b.startRow; r < b.endRow; r++) {
    const row = b.sheet.rows[r];
    const slice: (CellData | undefined)[] = [];
    for (let c = b.startCol; c < b.endCol; c++) slice.push(row?.[c]);
    slices.push(slice);
  }
  const order = slices.map((_, i) => i);
  order.sort((i, j) => {
    for (const spec of specs) {
      const col = (spec.dimensionIndex ?? 0) - b.startCol;
      const result = compareCells(slices[i][col], slices[j][col], spec.sortOrder === 'DESCENDING');
      if (result !== 0) return result;
    }
    return i - j;
  });
  const sorted = order.map((i) => slices[i].map((cell) => (cell ? structuredClone(cell) : undefined)));
  sorted.forEach((slice, i) => {
    const r = b.startRow + i;
    if (!slice.some(Boolean) && !b.sheet.rows[r]) return;
    const row = tx.row(b.sheet, r);
    slice.forEach((cell, j) => (row[b.startCol + j] = cell));
  });
}

function dimensionRange(tx: Tx, range: Json | undefined, prefix: string): { sheet: SheetState; dimension: 'ROWS' | 'COLUMNS'; start: number; end: number } {
  if (!range) throw sheetsInvalidArgument(`${prefix}A range is required.`);
  const sheet = requireSheet(tx, range.sheetId, prefix);
  const dimension = range.dimension;
  if (dimension !== 'ROWS' && dimension !== 'COLUMNS') throw badEnum('range.dimension', 'Dimension', dimension);
  const g = sheet.properties.gridProperties;
  const size = dimension === 'ROWS' ? g.rowCount : g.columnCount;
  const start = int(range.startIndex, 0);
  const end = typeof range.endIndex === 'number' ? range.endIndex : size;
  if (start < 0 || end < start) throw sheetsInvalidArgument(`${prefix}Invalid dimension range: start ${start}, end ${end}.`);
  return { sheet, dimension, start, end };
}

// ------------------------------------------------------------------ the handlers

const handlers: Record<string, Handler> = {
  addSheet(tx, request, prefix, at) {
    const props = (request.properties ?? {}) as Json;
    checkKeys(props, SHEET_PROPERTY_FIELDS, `${at}.properties`);
    checkKeys(props.gridProperties, GRID_PROPERTY_FIELDS, `${at}.properties.grid_properties`);
    let title = typeof props.title === 'string' ? props.title : undefined;
    if (title === undefined) {
      for (let n = tx.sheets.length + 1; ; n++) {
        if (!tx.sheetByTitle(`Sheet${n}`)) {
          title = `Sheet${n}`;
          break;
        }
      }
    }
    if (title.trim() === '') throw sheetsInvalidArgument(`${prefix}Sheet name cannot be empty.`);
    if (tx.sheetByTitle(title)) {
      // [REAL] Google's message for a duplicate title.
      throw sheetsInvalidArgument(`${prefix}A sheet with the name "${title}" already exists. Please enter another name.`);
    }
    let sheetId: number;
    if (typeof props.sheetId === 'number') {
      if (props.sheetId < 0) throw sheetsInvalidArgument(`${prefix}Invalid sheetId: ${props.sheetId}`);
      if (tx.sheetById(props.sheetId)) throw sheetsInvalidArgument(`${prefix}Sheet with id ${props.sheetId} already exists.`);
      sheetId = props.sheetId;
    } else {
      sheetId = tx.newSheetId();
    }
    const grid = (props.gridProperties ?? {}) as Json;
    const index = typeof props.index === 'number' ? Math.max(0, Math.min(props.index, tx.sheets.length)) : tx.sheets.length;
    const sheet = newSheet({
      sheetId,
      title,
      index,
      gridProperties: {
        rowCount: int(grid.rowCount, 1000),
        columnCount: int(grid.columnCount, 26),
        ...(typeof grid.frozenRowCount === 'number' && grid.frozenRowCount ? { frozenRowCount: grid.frozenRowCount } : {}),
        ...(typeof grid.frozenColumnCount === 'number' && grid.frozenColumnCount ? { frozenColumnCount: grid.frozenColumnCount } : {}),
        ...(grid.hideGridlines ? { hideGridlines: true } : {}),
      },
    });
    if (props.hidden) sheet.properties.hidden = true;
    if (props.tabColor) sheet.properties.tabColor = structuredClone(props.tabColor) as sheets_v4.Schema$Color;
    if (props.tabColorStyle) sheet.properties.tabColorStyle = structuredClone(props.tabColorStyle) as sheets_v4.Schema$ColorStyle;
    if (props.rightToLeft) sheet.properties.rightToLeft = true;
    checkGrid(sheet, prefix, false);
    tx.sheets.splice(index, 0, sheet);
    tx.reindex();
    tx.checkCellLimit(prefix);
    return { properties: structuredClone(sheet.properties) };
  },

  deleteSheet(tx, request, prefix) {
    const sheet = requireSheet(tx, request.sheetId, prefix);
    if (tx.sheets.filter((s) => !s.properties.hidden && s !== sheet).length === 0) {
      throw sheetsInvalidArgument(`${prefix}You can't remove all the visible sheets in a document.`);
    }
    tx.sheets = tx.sheets.filter((s) => s !== sheet);
    tx.namedRanges = tx.namedRanges.filter((n) => (n.range?.sheetId ?? 0) !== sheet.properties.sheetId);
    tx.reindex();
    return undefined;
  },

  updateSheetProperties(tx, request, prefix, at) {
    const props = (request.properties ?? {}) as Json;
    checkKeys(props, SHEET_PROPERTY_FIELDS, `${at}.properties`);
    checkKeys(props.gridProperties, GRID_PROPERTY_FIELDS, `${at}.properties.grid_properties`);
    const paths = parseMask(request.fields, prefix);
    const sheet = requireSheet(tx, props.sheetId, prefix);
    for (const path of paths) {
      if (path[0] !== '*' && !SHEET_PROPERTY_FIELDS.has(path[0])) throw sheetsInvalidArgument(`${prefix}Invalid field mask: ${path.join('.')}`);
      if (path[0] === 'gridProperties' && path[1] && !GRID_PROPERTY_FIELDS.has(path[1])) {
        throw sheetsInvalidArgument(`${prefix}Invalid field mask: ${path.join('.')}`);
      }
    }
    const before = structuredClone(sheet.properties);
    const oldIndex = tx.sheets.indexOf(sheet);
    const target = structuredClone(sheet.properties) as unknown as Json;
    const source = { ...props, sheetId: sheet.properties.sheetId } as Json;
    if (paths.some((p) => p[0] === '*')) {
      source.index ??= before.index;
      source.sheetType ??= before.sheetType;
    }
    applyMask(target, source, paths);
    const next = target as unknown as SheetState['properties'];
    next.sheetId = before.sheetId;
    next.gridProperties ??= { rowCount: 0, columnCount: 0 };
    next.gridProperties.rowCount ??= 0;
    next.gridProperties.columnCount ??= 0;
    if (typeof next.title !== 'string' || next.title.trim() === '') throw sheetsInvalidArgument(`${prefix}Sheet name cannot be empty.`);
    const clash = tx.sheetByTitle(next.title);
    if (clash && clash !== sheet) {
      throw sheetsInvalidArgument(`${prefix}A sheet with the name "${next.title}" already exists. Please enter another name.`);
    }
    sheet.properties = next;
    const rowCountChanged = next.gridProperties.rowCount !== before.gridProperties.rowCount;
    checkGrid(sheet, prefix, rowCountChanged);
    // Shrinking the grid drops what lay beyond it.
    if (next.gridProperties.rowCount < sheet.rows.length) sheet.rows.length = next.gridProperties.rowCount;
    if (next.gridProperties.columnCount < before.gridProperties.columnCount) {
      sheet.rows.forEach((row, r) => {
        if (row && row.length > next.gridProperties.columnCount) tx.row(sheet, r).length = next.gridProperties.columnCount;
      });
    }
    if (paths.some((p) => p[0] === 'index' || p[0] === '*') && typeof next.index === 'number') {
      // [DOC] SheetProperties.index: "movement is considered in 'before the move' indexes".
      const to = Math.max(0, Math.min(next.index > oldIndex ? next.index - 1 : next.index, tx.sheets.length - 1));
      tx.sheets.splice(oldIndex, 1);
      tx.sheets.splice(to, 0, sheet);
    }
    tx.reindex();
    tx.checkCellLimit(prefix);
    return undefined;
  },

  updateSpreadsheetProperties(tx, request, prefix) {
    const paths = parseMask(request.fields, prefix);
    const target = tx.properties as Json;
    applyMask(target, (request.properties ?? {}) as Json, paths);
    if (typeof tx.properties.title !== 'string') tx.properties.title = '';
    return undefined;
  },

  addConditionalFormatRule(tx, request, prefix, at) {
    const rule = request.rule as Json | undefined;
    const sheet = validateConditionalRule(tx, rule, prefix, `${at}.rule`);
    const index = int(request.index, 0);
    if (index < 0 || index > sheet.conditionalFormats.length) {
      throw sheetsInvalidArgument(`${prefix}Invalid index ${index}; the sheet has ${sheet.conditionalFormats.length} rules.`);
    }
    sheet.conditionalFormats.splice(index, 0, structuredClone(rule) as sheets_v4.Schema$ConditionalFormatRule);
    return undefined;
  },

  updateConditionalFormatRule(tx, request, prefix, at) {
    const sheet = requireSheet(tx, request.sheetId, prefix);
    const index = int(request.index, 0);
    const oldRule = sheet.conditionalFormats[index];
    if (!oldRule) throw sheetsInvalidArgument(`${prefix}No conditional format on sheet ${sheet.properties.sheetId} at index ${index}`);
    if (request.rule !== undefined) {
      const ruleSheet = validateConditionalRule(tx, request.rule as Json, prefix, `${at}.rule`);
      const rule = structuredClone(request.rule) as sheets_v4.Schema$ConditionalFormatRule;
      sheet.conditionalFormats.splice(index, 1);
      ruleSheet.conditionalFormats.splice(Math.min(index, ruleSheet.conditionalFormats.length), 0, rule);
      return { newRule: structuredClone(rule), oldRule: structuredClone(oldRule), newIndex: index, oldIndex: index };
    }
    if (typeof request.newIndex === 'number') {
      const newIndex = request.newIndex;
      if (newIndex < 0 || newIndex >= sheet.conditionalFormats.length) throw sheetsInvalidArgument(`${prefix}Invalid newIndex ${newIndex}`);
      sheet.conditionalFormats.splice(index, 1);
      sheet.conditionalFormats.splice(newIndex, 0, oldRule);
      return { newRule: structuredClone(oldRule), oldRule: structuredClone(oldRule), newIndex, oldIndex: index };
    }
    throw sheetsInvalidArgument(`${prefix}Either rule or newIndex must be set.`);
  },

  deleteConditionalFormatRule(tx, request, prefix) {
    const sheet = requireSheet(tx, request.sheetId, prefix);
    const index = int(request.index, 0);
    const rule = sheet.conditionalFormats[index];
    if (!rule) throw sheetsInvalidArgument(`${prefix}No conditional format on sheet ${sheet.properties.sheetId} at index ${index}`);
    sheet.conditionalFormats.splice(index, 1);
    return { rule: structuredClone(rule) };
  },

  setBasicFilter(tx, request, prefix, at) {
    const filter = request.filter as Json | undefined;
    if (!filter?.range) throw sheetsInvalidArgument(`${prefix}A filter range is required.`);
    const b = bounds(tx, filter.range, prefix);
    const criteria = (filter.criteria ?? {}) as Record<string, Json>;
    for (const criterion of Object.values(criteria)) {
      if (criterion.condition) validateCondition(criterion.condition as Json, `${at}.filter.criteria.condition`, prefix, 'filter');
    }
    for (const spec of (filter.filterSpecs ?? []) as Json[]) {
      const c = (spec.filterCriteria as Json | undefined)?.condition as Json | undefined;
      if (c) validateCondition(c, `${at}.filter.filter_specs.filter_criteria.condition`, prefix, 'filter');
    }
    b.sheet.basicFilter = structuredClone(filter) as sheets_v4.Schema$BasicFilter;
    const sortSpecs = (filter.sortSpecs ?? []) as sheets_v4.Schema$SortSpec[];
    // A basic filter's sort leaves its header row in place.
    if (sortSpecs.length && b.endRow - b.startRow > 1) sortBounds(tx, { ...b, startRow: b.startRow + 1 }, sortSpecs, prefix);
    return undefined;
  },

  clearBasicFilter(tx, request, prefix) {
    const sheet = requireSheet(tx, request.sheetId, prefix);
    delete sheet.basicFilter;
    return undefined;
  },

  repeatCell(tx, request, prefix) {
    const paths = parseMask(request.fields, prefix);
    checkCellMask(paths, prefix);
    const b = bounds(tx, request.range, prefix);
    const source = (request.cell ?? {}) as CellData;
    checkCellValueLength(tx, source, prefix);
    forEachCell(tx, b, (cell) => applyCellMask(tx, cell, source, paths, prefix));
    return undefined;
  },

  updateCells(tx, request, prefix) {
    const paths = parseMask(request.fields, prefix);
    checkCellMask(paths, prefix);
    const rows = (request.rows ?? []) as sheets_v4.Schema$RowData[];
    if (request.range && request.start) throw sheetsInvalidArgument(`${prefix}Only one of start or range may be set.`);
    if (request.range) {
      const b = bounds(tx, request.range, prefix);
      forEachCell(tx, b, (cell, r, c) => {
        const source = rows[r - b.startRow]?.values?.[c - b.startCol] ?? {};
        applyCellMask(tx, cell, source, paths, prefix);
      });
      return undefined;
    }
    const start = (request.start ?? {}) as Json;
    const sheet = requireSheet(tx, start.sheetId, prefix);
    const r0 = int(start.rowIndex, 0);
    const c0 = int(start.columnIndex, 0);
    const width = Math.max(0, ...rows.map((row) => row.values?.length ?? 0));
    bounds(tx, { sheetId: sheet.properties.sheetId, startRowIndex: r0, endRowIndex: r0 + Math.max(rows.length, 1), startColumnIndex: c0, endColumnIndex: c0 + Math.max(width, 1) }, prefix);
    rows.forEach((row, i) => (row.values ?? []).forEach((source, j) => applyCellMask(tx, tx.cell(sheet, r0 + i, c0 + j), source, paths, prefix)));
    return undefined;
  },

  appendCells(tx, request, prefix) {
    const paths = parseMask(request.fields, prefix);
    checkCellMask(paths, prefix);
    const sheet = requireSheet(tx, request.sheetId, prefix);
    const rows = (request.rows ?? []) as sheets_v4.Schema$RowData[];
    let last = 0;
    sheet.rows.forEach((row, r) => {
      if (row?.some((cell) => cell?.userEnteredValue)) last = r + 1;
    });
    const g = sheet.properties.gridProperties;
    const width = Math.max(0, ...rows.map((row) => row.values?.length ?? 0));
    // [DOC] appendCells: "inserting new rows into the sheet if necessary".
    if (last + rows.length > g.rowCount) g.rowCount = last + rows.length;
    if (width > g.columnCount) g.columnCount = width;
    tx.checkCellLimit(prefix);
    rows.forEach((row, i) => (row.values ?? []).forEach((source, j) => applyCellMask(tx, tx.cell(sheet, last + i, j), source, paths, prefix)));
    return undefined;
  },

  updateDimensionProperties(tx, request, prefix) {
    const paths = parseMask(request.fields, prefix);
    const { sheet, dimension, start, end } = dimensionRange(tx, request.range as Json | undefined, prefix);
    const g = sheet.properties.gridProperties;
    if (end > (dimension === 'ROWS' ? g.rowCount : g.columnCount)) {
      throw sheetsInvalidArgument(`${prefix}Invalid dimension range: end ${end} is past the grid.`);
    }
    const metadata = dimension === 'ROWS' ? sheet.rowMetadata : sheet.columnMetadata;
    for (let i = start; i < end; i++) {
      const entry = (metadata[i] ?? { pixelSize: dimension === 'ROWS' ? 21 : 100 }) as Json;
      applyMask(entry, (request.properties ?? {}) as Json, paths);
      metadata[i] = entry as sheets_v4.Schema$DimensionProperties;
    }
    return undefined;
  },

  autoResizeDimensions(tx, request, prefix) {
    const { sheet, dimension, start, end } = dimensionRange(tx, request.dimensions as Json | undefined, prefix);
    const metadata = dimension === 'ROWS' ? sheet.rowMetadata : sheet.columnMetadata;
    for (let i = start; i < end; i++) {
      let size = dimension === 'ROWS' ? 21 : 0;
      if (dimension === 'COLUMNS') {
        // Roughly what Arial 10 needs: 7 px a character plus padding, never narrower than a letter.
        let longest = 0;
        for (const row of sheet.rows) {
          const cell = row?.[i];
          if (cell?.userEnteredValue) longest = Math.max(longest, formatValue(effectiveValueOf(cell), cell.userEnteredFormat?.numberFormat ?? undefined).length);
        }
        size = Math.max(21, Math.min(1000, longest * 7 + 10));
      }
      metadata[i] = { ...(metadata[i] ?? {}), pixelSize: size };
    }
    return undefined;
  },

  appendDimension(tx, request, prefix, at) {
    const sheet = requireSheet(tx, request.sheetId, prefix);
    const length = int(request.length, 0);
    if (length <= 0) throw sheetsInvalidArgument(`${prefix}length must be positive.`);
    if (request.dimension === 'ROWS') sheet.properties.gridProperties.rowCount += length;
    else if (request.dimension === 'COLUMNS') sheet.properties.gridProperties.columnCount += length;
    else throw badEnum(`${at}.dimension`, 'Dimension', request.dimension);
    tx.checkCellLimit(prefix);
    return undefined;
  },

  insertDimension(tx, request, prefix) {
    const { sheet, dimension, start, end } = dimensionRange(tx, request.range as Json | undefined, prefix);
    const count = end - start;
    if (count <= 0) throw sheetsInvalidArgument(`${prefix}The range must span at least one ${dimension === 'ROWS' ? 'row' : 'column'}.`);
    const g = sheet.properties.gridProperties;
    if (start > (dimension === 'ROWS' ? g.rowCount : g.columnCount)) throw sheetsInvalidArgument(`${prefix}Invalid dimension range: start ${start} is past the grid.`);
    if (request.inheritFromBefore && start === 0) throw sheetsInvalidArgument(`${prefix}Cannot inherit from before the first ${dimension === 'ROWS' ? 'row' : 'column'}.`);
    if (dimension === 'ROWS') {
      insertRows(tx, sheet, start, count);
    } else {
      sheet.rows.forEach((row, r) => {
        if (row && row.length > start) tx.row(sheet, r).splice(start, 0, ...new Array<undefined>(count));
      });
      if (start < sheet.columnMetadata.length) sheet.columnMetadata.splice(start, 0, ...new Array<undefined>(count));
      g.columnCount += count;
      shiftSheetRanges(tx, sheet, 'COLUMNS', start, count, 'insert');
    }
    tx.checkCellLimit(prefix);
    return undefined;
  },

  deleteDimension(tx, request, prefix) {
    const { sheet, dimension, start, end } = dimensionRange(tx, request.range as Json | undefined, prefix);
    const g = sheet.properties.gridProperties;
    const size = dimension === 'ROWS' ? g.rowCount : g.columnCount;
    const stop = Math.min(end, size);
    const count = stop - start;
    if (count <= 0) return undefined;
    if (dimension === 'ROWS') {
      sheet.rows.splice(start, count);
      sheet.rowMetadata.splice(start, count);
      g.rowCount -= count;
    } else {
      sheet.rows.forEach((row, r) => {
        if (row && row.length > start) tx.row(sheet, r).splice(start, count);
      });
      sheet.columnMetadata.splice(start, count);
      g.columnCount -= count;
    }
    shiftSheetRanges(tx, sheet, dimension, start, count, 'delete');
    checkGrid(sheet, prefix, dimension === 'ROWS');
    return undefined;
  },

  updateBorders(tx, request, prefix) {
    const b = bounds(tx, request.range, prefix);
    const side = (name: string) => request[name] as sheets_v4.Schema$Border | undefined;
    forEachCell(tx, b, (cell, r, c) => {
      const borders: sheets_v4.Schema$Borders = { ...(cell.userEnteredFormat?.borders ?? {}) };
      const top = r === b.startRow ? side('top') : side('innerHorizontal');
      const bottom = r === b.endRow - 1 ? side('bottom') : side('innerHorizontal');
      const left = c === b.startCol ? side('left') : side('innerVertical');
      const right = c === b.endCol - 1 ? side('right') : side('innerVertical');
      if (top) borders.top = structuredClone(top);
      if (bottom) borders.bottom = structuredClone(bottom);
      if (left) borders.left = structuredClone(left);
      if (right) borders.right = structuredClone(right);
      if (Object.keys(borders).length) cell.userEnteredFormat = { ...(cell.userEnteredFormat ?? {}), borders };
    });
    return undefined;
  },

  mergeCells(tx, request, prefix, at) {
    const b = bounds(tx, request.range, prefix);
    const mergeType = request.mergeType ?? 'MERGE_ALL';
    if (mergeType !== 'MERGE_ALL' && mergeType !== 'MERGE_COLUMNS' && mergeType !== 'MERGE_ROWS') {
      throw badEnum(`${at}.merge_type`, 'MergeType', mergeType);
    }
    const pieces: GridBounds[] = [];
    if (mergeType === 'MERGE_ALL') pieces.push(b);
    if (mergeType === 'MERGE_ROWS') for (let r = b.startRow; r < b.endRow; r++) pieces.push({ ...b, startRow: r, endRow: r + 1 });
    if (mergeType === 'MERGE_COLUMNS') for (let c = b.startCol; c < b.endCol; c++) pieces.push({ ...b, startCol: c, endCol: c + 1 });
    for (const piece of pieces) {
      if ((piece.endRow - piece.startRow) * (piece.endCol - piece.startCol) < 2) continue;
      const overlaps = b.sheet.merges.some(
        (m) => (m.startRowIndex ?? 0) < piece.endRow && piece.startRow < (m.endRowIndex ?? Infinity) && (m.startColumnIndex ?? 0) < piece.endCol && piece.startCol < (m.endColumnIndex ?? Infinity),
      );
      if (overlaps) throw sheetsInvalidArgument(`${prefix}You can't merge cells that overlap an existing merge.`);
      // Merging keeps only the top-left value, as the UI warns.
      for (let r = piece.startRow; r < piece.endRow; r++) {
        for (let c = piece.startCol; c < piece.endCol; c++) if (r !== piece.startRow || c !== piece.startCol) tx.clearValue(b.sheet, r, c);
      }
      b.sheet.merges.push({
        sheetId: b.sheet.properties.sheetId,
        startRowIndex: piece.startRow,
        endRowIndex: piece.endRow,
        startColumnIndex: piece.startCol,
        endColumnIndex: piece.endCol,
      });
    }
    return undefined;
  },

  unmergeCells(tx, request, prefix) {
    const b = bounds(tx, request.range, prefix);
    b.sheet.merges = b.sheet.merges.filter(
      (m) => !((m.startRowIndex ?? 0) < b.endRow && b.startRow < (m.endRowIndex ?? Infinity) && (m.startColumnIndex ?? 0) < b.endCol && b.startCol < (m.endColumnIndex ?? Infinity)),
    );
    return undefined;
  },

  addBanding(tx, request, prefix) {
    const banded = (request.bandedRange ?? {}) as Json;
    const b = bounds(tx, banded.range, prefix);
    if (!banded.rowProperties && !banded.columnProperties) throw sheetsInvalidArgument(`${prefix}Either rowProperties or columnProperties must be set.`);
    const overlaps = b.sheet.bandedRanges.some((other) => {
      const r = other.range ?? {};
      return (r.startRowIndex ?? 0) < b.endRow && b.startRow < (r.endRowIndex ?? Infinity) && (r.startColumnIndex ?? 0) < b.endCol && b.startCol < (r.endColumnIndex ?? Infinity);
    });
    // [UNSURE] wording; Sheets refuses alternating colours over a range that already has them.
    if (overlaps) throw sheetsInvalidArgument(`${prefix}You cannot add alternating background colors to a range that already has alternating background colors.`);
    const stored = structuredClone(banded) as sheets_v4.Schema$BandedRange;
    stored.bandedRangeId = tx.rng.int(1, 2_147_483_646);
    b.sheet.bandedRanges.push(stored);
    return { bandedRange: structuredClone(stored) };
  },

  deleteBanding(tx, request, prefix) {
    for (const sheet of tx.sheets) {
      const i = sheet.bandedRanges.findIndex((b) => b.bandedRangeId === request.bandedRangeId);
      if (i >= 0) {
        sheet.bandedRanges.splice(i, 1);
        return undefined;
      }
    }
    throw sheetsInvalidArgument(`${prefix}No banded range with id: ${String(request.bandedRangeId)}`);
  },

  addTable(tx, request, prefix, at) {
    const table = (request.table ?? {}) as Json;
    const b = bounds(tx, table.range, prefix);
    const name = typeof table.name === 'string' ? table.name : '';
    if (!/^[A-Za-z_][A-Za-z0-9_ ]*$/.test(name)) throw sheetsInvalidArgument(`${prefix}Invalid table name: "${name}"`);
    for (const sheet of tx.sheets) {
      for (const other of sheet.tables) {
        if (other.name?.toLowerCase() === name.toLowerCase()) throw sheetsInvalidArgument(`${prefix}A table with the name "${name}" already exists.`);
        const r = other.range ?? {};
        if (sheet === b.sheet && (r.startRowIndex ?? 0) < b.endRow && b.startRow < (r.endRowIndex ?? Infinity) && (r.startColumnIndex ?? 0) < b.endCol && b.startCol < (r.endColumnIndex ?? Infinity)) {
          throw sheetsInvalidArgument(`${prefix}Tables cannot overlap other tables.`);
        }
      }
    }
    const columns = (table.columnProperties ?? []) as sheets_v4.Schema$TableColumnProperties[];
    columns.forEach((col, i) => {
      if (col.columnType && !TABLE_COLUMN_TYPES.has(col.columnType)) {
        throw badEnum(`${at}.table.column_properties[${i}].column_type`, 'ColumnType', col.columnType);
      }
      if ((col.columnIndex ?? 0) >= b.endCol - b.startCol) throw sheetsInvalidArgument(`${prefix}Column index ${col.columnIndex} is outside the table.`);
    });
    const stored = structuredClone(table) as sheets_v4.Schema$Table;
    stored.tableId = String(tx.rng.int(100_000_000, 2_147_483_646));
    stored.range = { sheetId: b.sheet.properties.sheetId, startRowIndex: b.startRow, endRowIndex: b.endRow, startColumnIndex: b.startCol, endColumnIndex: b.endCol };
    b.sheet.tables.push(stored);
    return { table: structuredClone(stored) };
  },

  deleteTable(tx, request, prefix) {
    for (const sheet of tx.sheets) {
      const i = sheet.tables.findIndex((t) => t.tableId === request.tableId);
      if (i >= 0) {
        sheet.tables.splice(i, 1);
        return undefined;
      }
    }
    throw sheetsInvalidArgument(`${prefix}No table with id: ${String(request.tableId)}`);
  },

  setDataValidation(tx, request, prefix, at) {
    const b = bounds(tx, request.range, prefix);
    const rule = request.rule as Json | undefined;
    if (rule) validateCondition(rule.condition as Json | undefined, `${at}.rule.condition`, prefix, 'validation');
    forEachCell(tx, b, (cell) => {
      if (rule) cell.dataValidation = structuredClone(rule) as sheets_v4.Schema$DataValidationRule;
      else delete cell.dataValidation;
    });
    return undefined;
  },

  sortRange(tx, request, prefix) {
    const b = bounds(tx, request.range, prefix);
    sortBounds(tx, b, (request.sortSpecs ?? []) as sheets_v4.Schema$SortSpec[], prefix);
    return undefined;
  },

  addNamedRange(tx, request, prefix) {
    const named = (request.namedRange ?? {}) as Json;
    bounds(tx, named.range, prefix);
    const name = typeof named.name === 'string' ? named.name : '';
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) throw sheetsInvalidArgument(`${prefix}Invalid named range name: ${name}`);
    if (tx.namedRanges.some((n) => n.name?.toLowerCase() === name.toLowerCase())) throw sheetsInvalidArgument(`${prefix}A named range with the name "${name}" already exists.`);
    const stored = structuredClone(named) as sheets_v4.Schema$NamedRange;
    stored.namedRangeId ??= tx.rng.string(12, 'abcdefghijklmnopqrstuvwxyz0123456789');
    tx.namedRanges.push(stored);
    return { namedRange: structuredClone(stored) };
  },

  deleteNamedRange(tx, request, prefix) {
    const before = tx.namedRanges.length;
    tx.namedRanges = tx.namedRanges.filter((n) => n.namedRangeId !== request.namedRangeId);
    if (tx.namedRanges.length === before) throw sheetsInvalidArgument(`${prefix}No named range with id: ${String(request.namedRangeId)}`);
    return undefined;
  },

  addProtectedRange(tx, request, prefix) {
    const protectedRange = (request.protectedRange ?? {}) as Json;
    const sheet = protectedRange.range ? bounds(tx, protectedRange.range, prefix).sheet : undefined;
    if (!sheet) throw sheetsInvalidArgument(`${prefix}A range is required.`);
    const stored = structuredClone(protectedRange) as sheets_v4.Schema$ProtectedRange;
    stored.protectedRangeId = tx.rng.int(1, 2_147_483_646);
    sheet.protectedRanges.push(stored);
    return { protectedRange: structuredClone(stored) };
  },

  deleteProtectedRange(tx, request, prefix) {
    for (const sheet of tx.sheets) {
      const i = sheet.protectedRanges.findIndex((p) => p.protectedRangeId === request.protectedRangeId);
      if (i >= 0) {
        sheet.protectedRanges.splice(i, 1);
        return undefined;
      }
    }
    throw sheetsInvalidArgument(`${prefix}No protected range with id: ${String(request.protectedRangeId)}`);
  },
};

/** Request kinds the sandbox implements (the rest are valid in Sheets but refused here, loudly). */
export const SUPPORTED_REQUEST_KINDS = Object.keys(handlers);

/** spreadsheets.batchUpdate ([DOC] BatchUpdateSpreadsheetResponse: spreadsheetId, replies, updatedSpreadsheet). */
export function batchUpdateSpreadsheet(model: SheetsModel, spreadsheetId: string, body: unknown): sheets_v4.Schema$BatchUpdateSpreadsheetResponse {
  model.require(spreadsheetId);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw sheetsInvalidArgument('Invalid JSON payload received. Expected an object.');
  const request = body as Json;
  checkKeys(request, new Set(['requests', 'includeSpreadsheetInResponse', 'responseRanges', 'responseIncludeGridData']), '');
  const requests = request.requests;
  // [REAL] Google's answer to an empty batch.
  if (!Array.isArray(requests) || requests.length === 0) throw sheetsInvalidArgument('Must specify at least one request.');
  const kinds: string[] = requests.map((item, i) => {
    if (!item || typeof item !== 'object') throw sheetsInvalidArgument(`Invalid requests[${i}]: not an object.`);
    const keys = Object.keys(item as Json);
    for (const key of keys) if (!KNOWN_REQUEST_KINDS.has(key)) throw unknownField(key, `requests[${i}]`);
    if (keys.length === 0) throw sheetsInvalidArgument(`Invalid requests[${i}]: No request set.`);
    if (keys.length > 1) {
      // [UNSURE] wording of the oneof clash.
      throw sheetsBadPayload(`Invalid JSON payload received. Oneof field 'kind' is already set. Cannot set '${keys[1]}'`, `requests[${i}]`);
    }
    if (!handlers[keys[0]]) {
      throw sheetsInvalidArgument(
        `Invalid requests[${i}].${keys[0]}: the Google sandbox does not implement this request kind (Sheets does). Supported: ${SUPPORTED_REQUEST_KINDS.join(', ')}.`,
      );
    }
    return keys[0];
  });
  const replies = model.transaction(spreadsheetId, (tx) =>
    requests.map((item: Json, i: number) => {
      const kind = kinds[i];
      const prefix = `Invalid requests[${i}].${kind}: `;
      const reply = handlers[kind](tx, (item[kind] ?? {}) as Json, prefix, `requests[${i}].${snake(kind)}`);
      return reply === undefined ? {} : { [kind]: reply };
    }),
  );
  model.recordApplied(spreadsheetId, requests as Json[]);
  const out: sheets_v4.Schema$BatchUpdateSpreadsheetResponse = { spreadsheetId, replies };
  if (request.includeSpreadsheetInResponse) {
    const ranges = Array.isArray(request.responseRanges) ? (request.responseRanges as string[]) : undefined;
    out.updatedSpreadsheet = model.get(spreadsheetId, { ranges, includeGridData: Boolean(request.responseIncludeGridData) });
  }
  return out;
}

/** spreadsheets.create: a new spreadsheet from the request body's properties and sheets. */
export function createSpreadsheetFromBody(model: SheetsModel, body: unknown): sheets_v4.Schema$Spreadsheet {
  const input = (body && typeof body === 'object' ? body : {}) as sheets_v4.Schema$Spreadsheet;
  checkKeys(input, new Set(['spreadsheetId', 'properties', 'sheets', 'namedRanges', 'spreadsheetUrl', 'developerMetadata', 'dataSources', 'dataSourceSchedules']), '');
  const sheets = (input.sheets ?? []).map((sheet, i) => {
    checkKeys(sheet.properties, SHEET_PROPERTY_FIELDS, `sheets[${i}].properties`);
    return {
      title: sheet.properties?.title ?? `Sheet${i + 1}`,
      sheetId: sheet.properties?.sheetId ?? undefined,
      rowCount: sheet.properties?.gridProperties?.rowCount ?? undefined,
      columnCount: sheet.properties?.gridProperties?.columnCount ?? undefined,
      frozenRowCount: sheet.properties?.gridProperties?.frozenRowCount ?? undefined,
    };
  });
  const titles = new Set<string>();
  for (const s of sheets) {
    if (titles.has(s.title.toLowerCase())) throw sheetsInvalidArgument(`A sheet with the name "${s.title}" already exists. Please enter another name.`);
    titles.add(s.title.toLowerCase());
  }
  const state = model.createSpreadsheet({
    title: input.properties?.title ?? undefined,
    locale: input.properties?.locale ?? undefined,
    timeZone: input.properties?.timeZone ?? undefined,
    sheets: sheets.length ? sheets : undefined,
  });
  return model.get(state.spreadsheetId);
}
