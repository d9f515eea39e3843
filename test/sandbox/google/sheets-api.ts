import { sheetsBadPayload, sheetsInvalidArgument, sheetsPermissionDenied } from './errors';
import type { RequestContext, RouteResult } from './http-types';
import { type SheetsModel, type ValuesReadOptions, requireValueInputOption } from './sheets-model';
import { batchUpdateSpreadsheet, createSpreadsheetFromBody } from './sheets-requests';
import type { DateTimeRenderOption, ValueRenderOption } from './sheets-values';

/**
 * Sheets API v4 methods ([DOC] developers.google.com/sheets/api/reference/rest/v4/spreadsheets and
 * spreadsheets.values; request and response field names as in [GEN] @googleapis/sheets@18
 * `Schema$ValueRange`, `Schema$AppendValuesResponse`, `Schema$UpdateValuesResponse`,
 * `Schema$BatchUpdateValuesResponse`, `Schema$BatchUpdateSpreadsheetResponse`,
 * `Schema$Spreadsheet`; google-api-shapes.md §5).
 */

function enumParam<T extends string>(ctx: RequestContext, name: string, snakeName: string, enumType: string, allowed: readonly T[]): T | undefined {
  const value = ctx.query.string(name);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw sheetsBadPayload(`Invalid value at '${snakeName}' (type.googleapis.com/google.apps.sheets.v4.${enumType}), "${value}"`, snakeName);
  }
  return value as T;
}

function readOptions(ctx: RequestContext): ValuesReadOptions {
  return {
    majorDimension: enumParam(ctx, 'majorDimension', 'major_dimension', 'Dimension', ['ROWS', 'COLUMNS'] as const),
    valueRenderOption: enumParam<ValueRenderOption>(ctx, 'valueRenderOption', 'value_render_option', 'ValueRenderOption', ['FORMATTED_VALUE', 'UNFORMATTED_VALUE', 'FORMULA']),
    dateTimeRenderOption: enumParam<DateTimeRenderOption>(ctx, 'dateTimeRenderOption', 'date_time_render_option', 'DateTimeRenderOption', ['SERIAL_NUMBER', 'FORMATTED_STRING']),
  };
}

function writeOptions(ctx: RequestContext) {
  return {
    valueInputOption: requireValueInputOption(ctx.query.string('valueInputOption')),
    includeValuesInResponse: ctx.query.bool('includeValuesInResponse') ?? false,
    responseValueRenderOption: enumParam<ValueRenderOption>(ctx, 'responseValueRenderOption', 'response_value_render_option', 'ValueRenderOption', ['FORMATTED_VALUE', 'UNFORMATTED_VALUE', 'FORMULA']),
    responseDateTimeRenderOption: enumParam<DateTimeRenderOption>(ctx, 'responseDateTimeRenderOption', 'response_date_time_render_option', 'DateTimeRenderOption', ['SERIAL_NUMBER', 'FORMATTED_STRING']),
  };
}

/**
 * Who may touch a spreadsheet ([DOC] authorizing requests; Drive sharing): an API key reads only
 * spreadsheets shared by link (writes with a key never get here: the server refuses them); a
 * token's principal must own the spreadsheet or have it shared with them. An unknown id is a 404
 * before any of that; a known one the caller may not see is 403 PERMISSION_DENIED, which is what
 * a service account gets for a spreadsheet nobody shared with its email.
 */
function checkAccess(model: SheetsModel, ctx: RequestContext, spreadsheetId: string): void {
  const state = model.require(spreadsheetId);
  if (ctx.caller.kind === 'key') {
    if (!state.linkShared) throw sheetsPermissionDenied();
    return;
  }
  if (ctx.caller.user !== state.owner && !state.sharedWith.includes(ctx.caller.user)) throw sheetsPermissionDenied();
}

function valueRangeBody(ctx: RequestContext): { range?: string; majorDimension?: string; values?: unknown[][] } {
  const body = ctx.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw sheetsInvalidArgument('Invalid JSON payload received. Expected a ValueRange object.');
  const valueRange = body as Record<string, unknown>;
  for (const key of Object.keys(valueRange)) {
    if (!['range', 'majorDimension', 'values'].includes(key)) {
      throw sheetsBadPayload(`Invalid JSON payload received. Unknown name "${key}": Cannot find field.`, key);
    }
  }
  if (valueRange.majorDimension !== undefined && !['ROWS', 'COLUMNS', 'DIMENSION_UNSPECIFIED'].includes(String(valueRange.majorDimension))) {
    throw sheetsBadPayload(`Invalid value at 'data.major_dimension' (type.googleapis.com/google.apps.sheets.v4.Dimension), "${String(valueRange.majorDimension)}"`, 'data.major_dimension');
  }
  if (valueRange.values !== undefined && !Array.isArray(valueRange.values)) {
    throw sheetsBadPayload(`Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), ${JSON.stringify(valueRange.values)}`, 'data.values');
  }
  return valueRange as { range?: string; majorDimension?: string; values?: unknown[][] };
}

export function spreadsheetsGet(model: SheetsModel, ctx: RequestContext): RouteResult {
  const [spreadsheetId] = ctx.pathParams;
  checkAccess(model, ctx, spreadsheetId);
  return {
    body: model.get(spreadsheetId, { ranges: ctx.query.all('ranges'), includeGridData: ctx.query.bool('includeGridData') ?? false }),
  };
}

export function spreadsheetsCreate(model: SheetsModel, ctx: RequestContext): RouteResult {
  const created = createSpreadsheetFromBody(model, ctx.body);
  if (ctx.caller.kind === 'token') model.spreadsheet(created.spreadsheetId!)!.owner = ctx.caller.user;
  return { body: created };
}

export function spreadsheetsBatchUpdate(model: SheetsModel, ctx: RequestContext): RouteResult {
  const [spreadsheetId] = ctx.pathParams;
  checkAccess(model, ctx, spreadsheetId);
  return { body: batchUpdateSpreadsheet(model, spreadsheetId, ctx.body) };
}

export function valuesGet(model: SheetsModel, ctx: RequestContext): RouteResult {
  const [spreadsheetId, range] = ctx.pathParams;
  checkAccess(model, ctx, spreadsheetId);
  return { body: model.valuesGet(spreadsheetId, range, readOptions(ctx)) };
}

export function valuesBatchGet(model: SheetsModel, ctx: RequestContext): RouteResult {
  const [spreadsheetId] = ctx.pathParams;
  checkAccess(model, ctx, spreadsheetId);
  return { body: model.valuesBatchGet(spreadsheetId, ctx.query.all('ranges'), readOptions(ctx)) };
}

export function valuesUpdate(model: SheetsModel, ctx: RequestContext): RouteResult {
  const [spreadsheetId, range] = ctx.pathParams;
  checkAccess(model, ctx, spreadsheetId);
  return { body: model.valuesUpdate(spreadsheetId, range, valueRangeBody(ctx), writeOptions(ctx)) };
}

export function valuesAppend(model: SheetsModel, ctx: RequestContext): RouteResult {
  const [spreadsheetId, range] = ctx.pathParams;
  checkAccess(model, ctx, spreadsheetId);
  const insertDataOption = enumParam(ctx, 'insertDataOption', 'insert_data_option', 'InsertDataOption', ['OVERWRITE', 'INSERT_ROWS'] as const);
  return { body: model.valuesAppend(spreadsheetId, range, valueRangeBody(ctx), { ...writeOptions(ctx), insertDataOption }) };
}

export function valuesBatchUpdate(model: SheetsModel, ctx: RequestContext): RouteResult {
  const [spreadsheetId] = ctx.pathParams;
  checkAccess(model, ctx, spreadsheetId);
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!['valueInputOption', 'data', 'includeValuesInResponse', 'responseValueRenderOption', 'responseDateTimeRenderOption'].includes(key)) {
      throw sheetsBadPayload(`Invalid JSON payload received. Unknown name "${key}": Cannot find field.`, key);
    }
  }
  return { body: model.valuesBatchUpdate(spreadsheetId, body) };
}

export function valuesClear(model: SheetsModel, ctx: RequestContext): RouteResult {
  const [spreadsheetId, range] = ctx.pathParams;
  checkAccess(model, ctx, spreadsheetId);
  return { body: model.valuesClear(spreadsheetId, range) };
}

export function valuesBatchClear(model: SheetsModel, ctx: RequestContext): RouteResult {
  const [spreadsheetId] = ctx.pathParams;
  checkAccess(model, ctx, spreadsheetId);
  const body = (ctx.body ?? {}) as { ranges?: unknown };
  const ranges = Array.isArray(body.ranges) ? body.ranges.map(String) : [];
  return { body: model.valuesBatchClear(spreadsheetId, ranges) };
}
