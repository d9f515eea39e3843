/**
 * Dates of a message as the note shows them. Telegram Desktop writes `date` (and `edited`) as the
 * local time of the computer that made the export, "2024-03-01T18:41:04", without a zone; since
 * 2021 it adds `date_unixtime` ("1709311264"). Exports of every era must read right:
 *
 * - a message with only `date_unixtime` is dated from it in UTC (the exporting machine's zone is
 *   not recorded anywhere), written like `date`;
 * - a `date` that is not such a local date-time is never used for properties, months or albums;
 * - exports of about 2018-2020 wrote `edited` for every message, the epoch in local time
 *   ("1970-01-01T05:00:00", any offset within ±14 h) when it was never edited: an edit date within
 *   a day of the epoch (or an `edited_unixtime` of "0") means "not edited".
 */

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;
const UNIXTIME = /^-?\d{1,15}$/;
const DAY_SECONDS = 86400;

/** True for "YYYY-MM-DDTHH:MM:SS" naming a real calendar day and time of day. */
export function isLocalDateTime(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 19) return false;
  if (value === lastChecked) return true;
  // checked character by character: this runs several times per message of a large import
  for (let i = 0; i < 19; i++) {
    const c = value.charCodeAt(i);
    const want = i === 4 || i === 7 ? 45 /* - */ : i === 10 ? 84 /* T */ : i === 13 || i === 16 ? 58 /* : */ : -1;
    if (want >= 0 ? c !== want : c < 48 || c > 57) return false;
  }
  const year = twoDigits(value, 0) * 100 + twoDigits(value, 2);
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  if (month < 1 || month > 12 || day < 1 || twoDigits(value, 11) > 23 || twoDigits(value, 14) > 59 || twoDigits(value, 17) > 59) return false;
  if (day > (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : DAYS_IN_MONTH[month - 1])) return false;
  lastChecked = value;
  return true;
}

function twoDigits(s: string, at: number): number {
  return (s.charCodeAt(at) - 48) * 10 + s.charCodeAt(at + 1) - 48;
}

/** The last string found to be a date-time (the same date is checked again for the same message). */
let lastChecked = '';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Seconds since the epoch from a `*_unixtime` field (a string of digits; a number is accepted too). */
export function unixtimeOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string' || !UNIXTIME.test(value)) return undefined;
  return Number(value);
}

/** A unixtime written like the export writes dates, in UTC: 1709311264 → "2024-03-01T16:41:04". */
export function localDateTimeFromUnixtime(seconds: number): string | undefined {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) return undefined;
  const iso = d.toISOString();
  // years before 0 or after 9999 have a longer ISO form: not a date an export can hold
  return /^\d{4}-/.test(iso) ? iso.slice(0, 19) : undefined;
}

/**
 * The message's date as a local date-time: `date` when it is one, else derived from
 * `date_unixtime` (UTC) when no date was written; undefined when there is none, or when the one
 * written is not a date-time (then it is shown as written, never replaced).
 */
export function messageDate(msg: { readonly date?: unknown; readonly date_unixtime?: unknown; readonly invalid_date?: unknown }): string | undefined {
  if (isLocalDateTime(msg.date)) return msg.date;
  // written, but not a date (the importer's validation keeps it in invalid_date): shown as written
  if ((msg.date !== undefined && msg.date !== null && msg.date !== '') || typeof msg.invalid_date === 'string') return undefined;
  const unix = unixtimeOf(msg.date_unixtime);
  return unix === undefined ? undefined : localDateTimeFromUnixtime(unix);
}

/** Seconds of a local date-time counted as if it were UTC (enough to tell "near the epoch"). */
function secondsAsUtc(localDateTime: string): number {
  const [year, month, day, hour, minute, second] = LOCAL_DATE_TIME.exec(localDateTime)!.slice(1).map(Number);
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
}

/**
 * When the message was last edited, as the note shows it: a local date-time, the text as written
 * when it is not one, or undefined when it was never edited (no field, or the epoch that exports
 * of ~2018-2020 wrote for "never").
 */
export function editDate(msg: { readonly edited?: unknown; readonly edited_unixtime?: unknown }): string | undefined {
  const unix = unixtimeOf(msg.edited_unixtime);
  if (unix !== undefined && Math.abs(unix) < DAY_SECONDS) return undefined;
  const edited = msg.edited;
  if (isLocalDateTime(edited)) return Math.abs(secondsAsUtc(edited)) < DAY_SECONDS ? undefined : edited;
  if (typeof edited === 'string' && edited !== '') return edited;
  return unix === undefined ? undefined : localDateTimeFromUnixtime(unix);
}

/**
 * The second a message was sent, for telling whether two messages were sent together (albums):
 * `date_unixtime` when both have it, else `date` when both have a local date-time; undefined when
 * the two cannot be compared (then they are not taken for one album).
 */
export function sameSecond(
  a: { readonly date?: unknown; readonly date_unixtime?: unknown },
  b: { readonly date?: unknown; readonly date_unixtime?: unknown },
): boolean {
  const ua = unixtimeOf(a.date_unixtime);
  const ub = unixtimeOf(b.date_unixtime);
  if (ua !== undefined && ub !== undefined) return ua === ub;
  return isLocalDateTime(a.date) && a.date === b.date;
}
