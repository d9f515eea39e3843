import type { RateLimiter } from '../../../util/rateLimiter';
import type { sheets_v4 } from '@googleapis/sheets';
import { UserError } from '../../../errors';
import type { VideoRecord } from '../video';
import {
  type Cell,
  ID_HEADER,
  hasPrivacyRule,
  idColumnRange,
  nextBatchSize,
  orderForAppend,
  privacyRuleRequest,
  readRange,
  rowRange,
  sameRow,
  setupRequests,
  tableRange,
  videoRow,
} from './sheetLayout';
import { Cancelled, SheetsCalls, Uncertain } from './sheetsCalls';
import type { SheetsAccount } from './sheetsErrors';

/**
 * Mirrors a video catalog into one tab of a Google spreadsheet, appending only the videos whose
 * id the tab does not hold yet (layout: sheetLayout.ts).
 *
 * A run: one `spreadsheets.get` (the tab, its sheetId, its conditional rules) and, when the tab
 * exists, one `values.get` of the table; then the rows whose video's data changed (views,
 * privacy, an edited title) in one `values.batchUpdate` for all of them; then, only if something
 * is new, the first-write batch when the tab has no header yet (tab, header, frozen row, filter:
 * one batchUpdate), `values.append` in batches (up to `maxRowsPerAppend` rows and ~1.5 MB each),
 * and the conditional format rule once at the end when the tab lacks it. Nothing new or changed:
 * no write at all. The rows of videos not passed in (another channel's, a row typed by hand) are
 * never touched.
 *
 * Retries are ours alone: every request goes out with `retry: false`, so gaxios never resends
 * (by default it would resend GETs on 429/5xx and after connection errors, three times, on top of
 * any loop here). A 429 is resent after exponential backoff with jitter. A write that failed in a
 * way that may have landed (5xx, timeout, dropped connection) is never resent as is: after the
 * backoff the id column is read again and only the rows still missing are appended, so no row
 * is written twice; the batchUpdates are re-planned from a fresh read the same way. A 401 is
 * google-auth-library's business: the clients sheetsAuth.ts builds refresh the token once and
 * resend (a 401 means the request was not carried out).
 *
 * Cancellation (`signal`) is checked before every write and cuts backoff waits short; a request
 * in flight is let finish. Each append is atomic, so a cancelled run leaves whole rows only, and
 * the next run appends the rest (and adds the conditional rule if this one stopped before it).
 */

export interface MirrorTarget {
  readonly spreadsheetId: string;
  readonly sheetTitle: string;
}

export type MirrorLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface MirrorOptions {
  readonly signal?: AbortSignal;
  /** Waits between attempts (default: a timer). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** [0, 1) for backoff jitter and a new tab's sheetId (default Math.random). */
  readonly random?: () => number;
  readonly log?: MirrorLog;
  /** Rows per values.append (default 5,000); requests also stay under ~1.5 MB of JSON. */
  readonly maxRowsPerAppend?: number;
  readonly maxBytesPerAppend?: number;
  /** Failed attempts in a row before giving up (default 8: waits of about 1, 2, 4 … 64 s). */
  readonly maxAttempts?: number;
  /** Per-request timeout (default 60 s); a timed-out write counts as one that may have landed. */
  readonly timeoutMs?: number;
  /** Who the client acts as (sheetsAuth's `account`), so errors can say whom to share with. */
  readonly account?: SheetsAccount;
  /** The Sheets rate shared by every mirror of the process (60 requests a minute per user). */
  readonly limiter?: RateLimiter;
}

export interface MirrorResult {
  /** Rows this run wrote (confirmed by an answer or by re-reading the id column). */
  readonly appended: number;
  /** Rows already in the tab that this run rewrote because their video's data changed. */
  readonly updated: number;
  /** values.batchUpdate requests (one per run unless the changed rows pass ~1.5 MB). */
  readonly updateCalls: number;
  /**
   * Requests this code sent, failed attempts included (a resend by google-auth-library after a
   * 401 is not seen here): values.append; spreadsheets.batchUpdate (tab setup, conditional
   * rule); spreadsheets.get and values.get.
   */
  readonly appendCalls: number;
  readonly formatCalls: number;
  readonly readCalls: number;
  /** The signal stopped the run before it was done; the next run completes it. */
  readonly cancelled: boolean;
}

const DEFAULT_MAX_ROWS = 5_000;
const DEFAULT_MAX_BYTES = 1_500_000;
const DEFAULT_MAX_ATTEMPTS = 8;
const DEFAULT_TIMEOUT_MS = 60_000;

interface TabState {
  /** Absent while the tab does not exist. */
  sheetId?: number;
  columnCount?: number;
  hasHeader: boolean;
  hasRule: boolean;
  /** Non-blank values of column A: the header and every id already mirrored. */
  ids: Set<string>;
  /** Each mirrored id's first row (1-based) and its cells as read. */
  rows: Map<string, { row: number; cells: readonly unknown[] }>;
  usedSheetIds: Set<number>;
}

export async function mirrorVideos(
  client: sheets_v4.Sheets,
  target: MirrorTarget,
  videos: readonly VideoRecord[],
  options: MirrorOptions = {},
): Promise<MirrorResult> {
  return new MirrorRun(client, target, options).run(videos);
}

class MirrorRun {
  private appended = 0;
  private updated = 0;
  private readonly calls: SheetsCalls;
  private readonly random: () => number;
  /** gaxios must not retry on its own: SheetsCalls decides what is sent again. */
  private readonly requestOptions: { retry: false; timeout: number };
  private readonly spreadsheetId: string;
  private readonly title: string;

  constructor(
    private readonly client: sheets_v4.Sheets,
    target: MirrorTarget,
    private readonly options: MirrorOptions,
  ) {
    this.spreadsheetId = target.spreadsheetId;
    this.title = target.sheetTitle;
    this.random = options.random ?? Math.random;
    this.requestOptions = { retry: false, timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS };
    this.calls = new SheetsCalls({
      signal: options.signal,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: this.random,
      maxAttempts: Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
      log: (level, message) => this.log(level, message),
      failureContext: { spreadsheetId: target.spreadsheetId, account: options.account },
      beforeRequest: options.limiter ? () => options.limiter!.acquire(options.signal) : undefined,
    });
  }

  async run(videos: readonly VideoRecord[]): Promise<MirrorResult> {
    let cancelled = false;
    try {
      await this.mirror(orderForAppend(videos));
    } catch (err) {
      if (!(err instanceof Cancelled)) throw err;
      cancelled = true;
      this.log('info', `Sheets mirror: cancelled after ${this.appended} rows; the next run appends the rest`);
    }
    const { append, format, read, update } = this.calls.counts;
    return { appended: this.appended, updated: this.updated, appendCalls: append, formatCalls: format, readCalls: read, updateCalls: update, cancelled };
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }

  private async mirror(wanted: VideoRecord[]): Promise<void> {
    let tab = await this.readTab();
    tab = await this.updateChangedRows(wanted, tab);
    let missing = wanted.filter((v) => !tab.ids.has(v.id));
    if (missing.length === 0) {
      this.log('info', `Sheets mirror: "${this.title}" already holds all ${wanted.length} videos`);
      return;
    }

    while (!tab.hasHeader) {
      this.calls.checkCancelled();
      const sheetId = tab.sheetId ?? this.newSheetId(tab.usedSheetIds);
      const requests = setupRequests({ sheetId, title: this.title, exists: tab.sheetId !== undefined, columnCount: tab.columnCount });
      try {
        await this.calls.write('format', 'setting up the tab', () =>
          this.client.spreadsheets.batchUpdate({ spreadsheetId: this.spreadsheetId, requestBody: { requests } }, this.requestOptions),
        );
        tab = { ...tab, sheetId, hasHeader: true };
      } catch (err) {
        if (!(err instanceof Uncertain)) throw err;
        tab = await this.readTab();
        missing = wanted.filter((v) => !tab.ids.has(v.id));
      }
    }

    const maxRows = Math.max(1, this.options.maxRowsPerAppend ?? DEFAULT_MAX_ROWS);
    const maxBytes = Math.max(1, this.options.maxBytesPerAppend ?? DEFAULT_MAX_BYTES);
    let rows: Cell[][] = missing.map(videoRow);
    while (missing.length > 0) {
      this.calls.checkCancelled();
      const batch = rows.slice(0, nextBatchSize(rows, maxRows, maxBytes));
      try {
        await this.calls.write('append', `appending ${batch.length} rows`, () =>
          this.client.spreadsheets.values.append(
            {
              spreadsheetId: this.spreadsheetId,
              range: tableRange(this.title),
              valueInputOption: 'RAW',
              insertDataOption: 'INSERT_ROWS',
              requestBody: { majorDimension: 'ROWS', values: batch },
            },
            this.requestOptions,
          ),
        );
        this.appended += batch.length;
        missing = missing.slice(batch.length);
        rows = rows.slice(batch.length);
      } catch (err) {
        if (!(err instanceof Uncertain)) throw err;
        const present = await this.readIds();
        const keep = missing.map((v) => !present.has(v.id));
        const landed = keep.filter((k) => !k).length;
        if (landed > 0) this.log('info', `Sheets mirror: the failed append had landed (${landed} rows); not writing them again`);
        this.appended += landed;
        missing = missing.filter((_, i) => keep[i]);
        rows = rows.filter((_, i) => keep[i]);
      }
    }
    this.log('info', `Sheets mirror: appended ${this.appended} rows to "${this.title}"`);

    while (!tab.hasRule) {
      this.calls.checkCancelled();
      const sheetId = tab.sheetId!;
      try {
        await this.calls.write('format', 'adding the conditional format rule', () =>
          this.client.spreadsheets.batchUpdate({ spreadsheetId: this.spreadsheetId, requestBody: { requests: [privacyRuleRequest(sheetId)] } }, this.requestOptions),
        );
        tab = { ...tab, hasRule: true };
      } catch (err) {
        if (!(err instanceof Uncertain)) throw err;
        tab = await this.readTab();
      }
    }
  }

  /**
   * Rewrites, in one values.batchUpdate, the rows whose cells differ from what their video's row
   * is now. Writing the same values twice is harmless, so a write that may have landed is
   * followed by a fresh read and a new comparison. Returns the tab as last read.
   */
  private async updateChangedRows(wanted: readonly VideoRecord[], first: TabState): Promise<TabState> {
    let tab = first;
    const maxBytes = Math.max(1, this.options.maxBytesPerAppend ?? DEFAULT_MAX_BYTES);
    for (;;) {
      const stale = wanted.flatMap((v) => {
        const had = tab.rows.get(v.id);
        const row = videoRow(v);
        return had && !sameRow(had.cells, row) ? [{ range: rowRange(this.title, had.row), majorDimension: 'ROWS', values: [row] }] : [];
      });
      if (!stale.length) return tab;
      this.calls.checkCancelled();
      const batch = stale.slice(0, nextBatchSize(stale.map((d) => d.values[0]!), stale.length, maxBytes));
      try {
        await this.calls.write('update', `updating ${batch.length} changed rows`, () =>
          this.client.spreadsheets.values.batchUpdate(
            { spreadsheetId: this.spreadsheetId, requestBody: { valueInputOption: 'RAW', data: batch } },
            this.requestOptions,
          ),
        );
        this.updated += batch.length;
        if (batch.length === stale.length) {
          this.log('info', `Sheets mirror: updated ${this.updated} changed rows in "${this.title}"`);
          return tab;
        }
        for (const d of batch) tab.rows.set(String(d.values[0]![0]), { row: tab.rows.get(String(d.values[0]![0]))!.row, cells: d.values[0]! });
      } catch (err) {
        if (!(err instanceof Uncertain)) throw err;
        tab = await this.readTab();
      }
    }
  }

  /** The tab as it is now: whether it exists, its sheetId and rules, and its rows. */
  private async readTab(): Promise<TabState> {
    const got = await this.calls.read(() =>
      this.client.spreadsheets.get(
        {
          spreadsheetId: this.spreadsheetId,
          fields: 'sheets(properties(sheetId,title,gridProperties(columnCount)),conditionalFormats(booleanRule(condition(type,values(userEnteredValue)))))',
        },
        this.requestOptions,
      ),
    );
    const sheets = got.data.sheets ?? [];
    // Sheet names are unique regardless of case, and A1 ranges find them that way.
    const title = this.title.toLowerCase();
    const sheet = sheets.find((s) => (s.properties?.title ?? '').toLowerCase() === title);
    const usedSheetIds = new Set(sheets.map((s) => s.properties?.sheetId ?? 0));
    if (!sheet) return { hasHeader: false, hasRule: false, ids: new Set(), rows: new Map(), usedSheetIds };
    const columnCount = sheet.properties?.gridProperties?.columnCount ?? undefined;
    const rows = await this.readRows(columnCount);
    const ids = new Set(rows.keys());
    if (ids.size > 0 && ids.values().next().value !== ID_HEADER) {
      throw new UserError(
        `The tab "${this.title}" already holds other data (its cell A1 is not "${ID_HEADER}"): choose another tab name, or clear that tab.`,
      );
    }
    return {
      sheetId: sheet.properties?.sheetId ?? 0,
      columnCount: sheet.properties?.gridProperties?.columnCount ?? undefined,
      hasHeader: ids.size > 0,
      hasRule: hasPrivacyRule(sheet.conditionalFormats),
      ids,
      rows,
      usedSheetIds,
    };
  }

  /** The table's rows by the id in column A (first occurrence), numbers as numbers. */
  private async readRows(columnCount: number | undefined): Promise<Map<string, { row: number; cells: readonly unknown[] }>> {
    const res = await this.calls.read(() =>
      this.client.spreadsheets.values.get(
        { spreadsheetId: this.spreadsheetId, range: readRange(this.title, columnCount), majorDimension: 'ROWS', valueRenderOption: 'UNFORMATTED_VALUE' },
        this.requestOptions,
      ),
    );
    const rows = new Map<string, { row: number; cells: readonly unknown[] }>();
    for (const [i, cells] of (res.data.values ?? []).entries()) {
      const id = String(cells?.[0] ?? '').trim();
      if (id !== '' && !rows.has(id)) rows.set(id, { row: i + 1, cells: cells ?? [] });
    }
    return rows;
  }

  private async readIds(): Promise<Set<string>> {
    const res = await this.calls.read(() =>
      this.client.spreadsheets.values.get(
        { spreadsheetId: this.spreadsheetId, range: idColumnRange(this.title), majorDimension: 'COLUMNS' },
        this.requestOptions,
      ),
    );
    const column = res.data.values?.[0] ?? [];
    return new Set(column.map((v) => String(v ?? '').trim()).filter((v) => v !== ''));
  }

  /** A sheetId no tab has (chosen here so the set-up batch can name the tab it adds). */
  private newSheetId(used: Set<number>): number {
    for (let i = 0; i < 8; i++) {
      const id = 1 + Math.floor(this.random() * 2_000_000_000);
      if (!used.has(id)) return id;
    }
    return Math.max(0, ...used) + 1;
  }
}
