import type { sheets_v4 } from '@googleapis/sheets';

/**
 * Cell values the way Sheets stores, parses and renders them.
 *
 * Input ([DOC] ValueInputOption): RAW stores JSON values as given; USER_ENTERED parses strings
 * as if typed into the UI: `=` starts a formula, a leading `'` forces text, numbers, percentages,
 * `TRUE`/`FALSE` and dates become typed values (dates as serial numbers with a date format).
 * `null` leaves the cell alone, `""` clears it ([DOC] ValueRange.values).
 *
 * Output ([DOC] ValueRenderOption): FORMATTED_VALUE (default), UNFORMATTED_VALUE, FORMULA, and
 * DateTimeRenderOption SERIAL_NUMBER (default) / FORMATTED_STRING.
 *
 * Formulas: the sandbox has no formula engine. It evaluates literals (`=42`, `="x"`),
 * `HYPERLINK(url, label)` and `IMAGE(…)` (no value); anything else evaluates to an `#ERROR!`
 * whose message says the sandbox cannot compute it, so nobody mistakes it for Sheets' answer.
 */

export type CellData = sheets_v4.Schema$CellData;
export type ExtendedValue = sheets_v4.Schema$ExtendedValue;
export type NumberFormat = sheets_v4.Schema$NumberFormat;

export type ValueInputOption = 'RAW' | 'USER_ENTERED';
export type ValueRenderOption = 'FORMATTED_VALUE' | 'UNFORMATTED_VALUE' | 'FORMULA';
export type DateTimeRenderOption = 'SERIAL_NUMBER' | 'FORMATTED_STRING';

export const MAX_CELL_CHARACTERS = 50_000;

/** What writing one input value means for a cell: skip it, clear it, or set it. */
export type ParsedInput =
  | { kind: 'skip' }
  | { kind: 'clear' }
  | { kind: 'set'; value: ExtendedValue; numberFormat?: NumberFormat };

const SERIAL_EPOCH = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

function serialOf(ms: number): number {
  return (ms - SERIAL_EPOCH) / DAY_MS;
}

function parseDateLike(text: string): { serial: number; numberFormat: NumberFormat } | undefined {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  let year: number, month: number, day: number;
  let iso = true;
  if (m) {
    [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else {
    m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
    if (!m) return undefined;
    [month, day, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
    iso = false;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const hasTime = m[4] !== undefined;
  const ms = Date.UTC(year, month - 1, day, hasTime ? Number(m[4]) : 0, hasTime ? Number(m[5]) : 0, m[6] ? Number(m[6]) : 0);
  const check = new Date(ms);
  if (check.getUTCDate() !== day) return undefined;
  const datePattern = iso ? 'yyyy-mm-dd' : 'M/d/yyyy';
  return {
    serial: serialOf(ms),
    numberFormat: hasTime
      ? { type: 'DATE_TIME', pattern: `${datePattern} ${iso ? 'hh' : 'H'}:mm:ss` }
      : { type: 'DATE', pattern: datePattern },
  };
}

/** Parses one input value under a ValueInputOption. */
export function parseInput(raw: unknown, option: ValueInputOption): ParsedInput {
  if (raw === null || raw === undefined) return { kind: 'skip' };
  if (typeof raw === 'number') return { kind: 'set', value: { numberValue: raw } };
  if (typeof raw === 'boolean') return { kind: 'set', value: { boolValue: raw } };
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
  if (text === '') return { kind: 'clear' };
  if (option === 'RAW') return { kind: 'set', value: { stringValue: text } };
  if (text.startsWith("'")) return { kind: 'set', value: { stringValue: text.slice(1) } };
  if (text.startsWith('=') && text.length > 1) return { kind: 'set', value: { formulaValue: text } };
  const upper = text.trim().toUpperCase();
  if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'set', value: { boolValue: upper === 'TRUE' } };
  const trimmed = text.trim();
  const numeric = /^([+-]?)(\d{1,3}(?:,\d{3})+|\d*)(\.\d+)?(?:[eE]([+-]?\d+))?(%?)$/.exec(trimmed);
  if (numeric && (numeric[2] !== '' || numeric[3] !== undefined)) {
    const grouped = numeric[2].includes(',');
    let value = Number(`${numeric[1]}${numeric[2].replace(/,/g, '')}${numeric[3] ?? ''}${numeric[4] ? `e${numeric[4]}` : ''}`);
    if (Number.isFinite(value)) {
      if (numeric[5] === '%') {
        value = value / 100;
        const decimals = numeric[3] ? numeric[3].length - 1 : 0;
        return { kind: 'set', value: { numberValue: value }, numberFormat: { type: 'PERCENT', pattern: decimals ? `0.${'0'.repeat(decimals)}%` : '0%' } };
      }
      if (grouped) {
        const decimals = numeric[3] ? numeric[3].length - 1 : 0;
        return { kind: 'set', value: { numberValue: value }, numberFormat: { type: 'NUMBER', pattern: decimals ? `#,##0.${'0'.repeat(decimals)}` : '#,##0' } };
      }
      return { kind: 'set', value: { numberValue: value } };
    }
  }
  const currency = /^(-?)\$(\d{1,3}(?:,\d{3})*|\d+)(\.\d{1,2})?$/.exec(trimmed);
  if (currency) {
    const value = Number(`${currency[1]}${currency[2].replace(/,/g, '')}${currency[3] ?? ''}`);
    return { kind: 'set', value: { numberValue: value }, numberFormat: { type: 'CURRENCY', pattern: '"$"#,##0.00' } };
  }
  const date = parseDateLike(trimmed);
  if (date) return { kind: 'set', value: { numberValue: date.serial }, numberFormat: date.numberFormat };
  return { kind: 'set', value: { stringValue: text } };
}

/** Characters a value puts in a cell, for the 50,000-character limit. */
export function inputLength(value: ExtendedValue): number {
  return (value.stringValue ?? value.formulaValue ?? '').length;
}

// ------------------------------------------------------------------ formulas

function splitArgs(body: string): string[] | undefined {
  const args: string[] = [];
  let current = '';
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (inString) {
      if (ch === '"' && body[i + 1] === '"') {
        current += '""';
        i++;
        continue;
      }
      if (ch === '"') inString = false;
      current += ch;
      continue;
    }
    if (ch === '"') {
      inString = true;
      current += ch;
    } else if (ch === ',' || ch === ';') {
      args.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (inString) return undefined;
  args.push(current.trim());
  return args;
}

function literal(text: string): ExtendedValue | undefined {
  if (/^"(?:[^"]|"")*"$/.test(text)) return { stringValue: text.slice(1, -1).replace(/""/g, '"') };
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return { numberValue: Number(text) };
  if (/^(TRUE|FALSE)$/i.test(text)) return { boolValue: text.toUpperCase() === 'TRUE' };
  return undefined;
}

/** The value a formula shows, within the small subset the sandbox understands. */
export function evaluateFormula(formula: string): { value?: ExtendedValue; hyperlink?: string } {
  const body = formula.slice(1).trim();
  const lit = literal(body);
  if (lit) return { value: lit };
  const call = /^([A-Za-z.]+)\((.*)\)$/s.exec(body);
  if (call) {
    const name = call[1].toUpperCase();
    const args = splitArgs(call[2]);
    if (name === 'HYPERLINK' && args && args.length >= 1 && args.length <= 2) {
      const url = literal(args[0]);
      const label = args[1] === undefined ? url : literal(args[1]);
      if (typeof url?.stringValue === 'string' && label) return { value: label, hyperlink: url.stringValue };
    }
    if (name === 'IMAGE') return {};
  }
  return {
    value: { errorValue: { type: 'ERROR', message: 'The sandbox does not evaluate this formula (it has no formula engine).' } },
  };
}

/** The effective value of a stored cell (formulas evaluated). */
export function effectiveValueOf(cell: CellData | undefined): ExtendedValue | undefined {
  const entered = cell?.userEnteredValue;
  if (!entered) return undefined;
  if (entered.formulaValue !== undefined && entered.formulaValue !== null) return evaluateFormula(entered.formulaValue).value;
  return entered;
}

// ------------------------------------------------------------------ formatting

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Formats a serial date/time with a Sheets date pattern (yyyy, mm, m, dd, d, hh, h, [h], ss, AM/PM). */
function formatDatePattern(serial: number, pattern: string): string {
  const ms = Math.round(SERIAL_EPOCH + serial * DAY_MS);
  const d = new Date(ms);
  const totalSeconds = Math.round(serial * 86400);
  const ampm = /am\/pm/i.test(pattern);
  let out = '';
  let i = 0;
  let lastWasHour = false;
  while (i < pattern.length) {
    const rest = pattern.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^"([^"]*)"/.exec(rest))) {
      out += m[1];
      i += m[0].length;
      continue;
    }
    if ((m = /^\[h+\]/i.exec(rest))) {
      out += String(Math.floor(totalSeconds / 3600));
      lastWasHour = true;
      i += m[0].length;
      continue;
    }
    if ((m = /^am\/pm/i.exec(rest))) {
      out += d.getUTCHours() < 12 ? 'AM' : 'PM';
      i += m[0].length;
      continue;
    }
    if ((m = /^y+/i.exec(rest))) {
      out += m[0].length <= 2 ? pad(d.getUTCFullYear() % 100, 2) : String(d.getUTCFullYear());
      i += m[0].length;
      continue;
    }
    if ((m = /^m+/i.exec(rest))) {
      const afterIsSeconds = /^[^a-z]*s/i.test(pattern.slice(i + m[0].length));
      if (lastWasHour || afterIsSeconds) {
        const minutes = /\[h+\]/i.test(pattern) ? Math.floor(totalSeconds / 60) % 60 : d.getUTCMinutes();
        out += m[0].length >= 2 ? pad(minutes, 2) : String(minutes);
      } else {
        const month = d.getUTCMonth() + 1;
        const names = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
        if (m[0].length >= 4) out += names[month - 1];
        else if (m[0].length === 3) out += names[month - 1].slice(0, 3);
        else out += m[0].length === 2 ? pad(month, 2) : String(month);
      }
      lastWasHour = false;
      i += m[0].length;
      continue;
    }
    if ((m = /^d+/i.exec(rest))) {
      out += m[0].length >= 2 ? pad(d.getUTCDate(), 2) : String(d.getUTCDate());
      i += m[0].length;
      lastWasHour = false;
      continue;
    }
    if ((m = /^h+/i.exec(rest))) {
      let hours = d.getUTCHours();
      if (ampm) hours = hours % 12 === 0 ? 12 : hours % 12;
      out += m[0].length >= 2 ? pad(hours, 2) : String(hours);
      lastWasHour = true;
      i += m[0].length;
      continue;
    }
    if ((m = /^s+/i.exec(rest))) {
      const seconds = /\[h+\]/i.test(pattern) ? totalSeconds % 60 : d.getUTCSeconds();
      out += m[0].length >= 2 ? pad(seconds, 2) : String(seconds);
      i += m[0].length;
      continue;
    }
    out += pattern[i];
    i++;
  }
  return out;
}

/** Splits a pattern into its `;` sections, leaving quoted text and `\` escapes alone. */
function splitSections(pattern: string): string[] {
  const sections: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '"') {
      const end = pattern.indexOf('"', i + 1);
      const stop = end < 0 ? pattern.length : end + 1;
      current += pattern.slice(i, stop);
      i = stop - 1;
    } else if (ch === '\\' && i + 1 < pattern.length) {
      current += pattern.slice(i, i + 2);
      i++;
    } else if (ch === ';') {
      sections.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  sections.push(current);
  return sections;
}

/** One pattern section: the text around the number, and the digit placeholders of the number itself. */
interface NumberSection {
  prefix: string;
  /** The digit placeholders (`0`, `#`, `?`, `,`, `.`) of the number, exponent excluded. */
  core: string;
  /** `E+`, `E-` (or lower case) and the exponent's placeholders, when the pattern is scientific. */
  exponent?: { sign: '+' | '-'; digits: number; letter: string };
  suffix: string;
  /** How many `%` signs the section shows: each multiplies the value by 100. */
  percents: number;
}

/**
 * Reads one section. Literal text is `"quoted"`, a `\`-escaped character, a `[$€]` currency tag
 * (colour and condition tags are dropped), `_x` (a space) or any character that is not a
 * placeholder, such as an unquoted `$` ([DOC] developers.google.com/sheets/api/guides/formats
 * outputs characters outside its token tables unchanged). Text before the first placeholder is
 * the prefix, text after the number the suffix. `?` counts as `#` (no space padding).
 */
function parseSection(section: string): NumberSection {
  const out: NumberSection = { prefix: '', core: '', suffix: '', percents: 0 };
  let state: 'prefix' | 'core' | 'suffix' = 'prefix';
  const literal = (text: string) => {
    if (state === 'core') state = 'suffix';
    if (state === 'prefix') out.prefix += text;
    else out.suffix += text;
  };
  for (let i = 0; i < section.length; i++) {
    const ch = section[i];
    if (ch === '"') {
      const end = section.indexOf('"', i + 1);
      const stop = end < 0 ? section.length : end;
      literal(section.slice(i + 1, stop));
      i = stop;
    } else if (ch === '\\') {
      if (i + 1 < section.length) literal(section[++i]);
    } else if (ch === '[') {
      const end = section.indexOf(']', i + 1);
      const tag = section.slice(i + 1, end < 0 ? section.length : end);
      if (tag.startsWith('$')) literal(tag.slice(1).split('-')[0]);
      i = end < 0 ? section.length : end;
    } else if (ch === '_') {
      i++;
      literal(' ');
    } else if (ch === '*') {
      i++;
    } else if (ch === '%') {
      out.percents++;
      literal('%');
    } else if (state !== 'suffix' && /[0#?]/.test(ch)) {
      state = 'core';
      out.core += ch;
    } else if (state !== 'suffix' && (ch === '.' || ch === ',') && (state === 'core' || /[0#?]/.test(section[i + 1] ?? ''))) {
      state = 'core';
      out.core += ch;
    } else if (state === 'core' && /[Ee]/.test(ch) && /[+-]/.test(section[i + 1] ?? '') && /[0#?]/.test(section[i + 2] ?? '')) {
      let j = i + 2;
      while (j < section.length && /[0#?]/.test(section[j])) j++;
      out.exponent = { sign: section[i + 1] as '+' | '-', digits: j - (i + 2), letter: ch };
      i = j - 1;
      state = 'suffix';
    } else if (ch !== '@') {
      literal(ch);
    }
  }
  return out;
}

/** The digits of |value| for the placeholders of `core` (grouping, scaling commas, optional decimals). */
function renderDigits(value: number, core: string): string {
  let [intPart, fracPart = ''] = core.split('.');
  // Commas right after the last integer placeholder scale by 1000 each (`0.0,,` → millions).
  let v = value;
  const trailing = /,+$/.exec(intPart);
  if (trailing) {
    v /= 1000 ** trailing[0].length;
    intPart = intPart.slice(0, -trailing[0].length);
  }
  const fracTrailing = /,+$/.exec(fracPart);
  if (fracTrailing) {
    v /= 1000 ** fracTrailing[0].length;
    fracPart = fracPart.slice(0, -fracTrailing[0].length);
  }
  const grouped = intPart.includes(',');
  const decimals = fracPart.replace(/,/g, '').length;
  const required = (/^0*/.exec(fracPart.replace(/,/g, '')) ?? [''])[0].length;
  let text = Math.abs(v).toFixed(decimals);
  let [i, f = ''] = text.split('.');
  const minInt = (intPart.match(/0/g) ?? []).length;
  if (minInt === 0 && i === '0') i = '';
  i = i.padStart(minInt, '0');
  if (grouped) i = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  while (f.length > required && f.endsWith('0')) f = f.slice(0, -1);
  text = f ? `${i}.${f}` : i;
  return text === '' ? '0' : text;
}

/**
 * Number patterns as Sheets renders them under FORMATTED_VALUE: digit placeholders `0 # ?`,
 * grouping and scaling commas, `%`, scientific `E+00`, literal text around the number
 * (`"$"#,##0.00`, `#,##0" USD"`, `[$€]#,##0.00`), and up to three `;` sections (positive;
 * negative; zero). A negative value under a one-section pattern gets its minus sign in front of
 * everything, literal prefix included: `"$"#,##0.00` gives `$5.00` and `-$3.00`. The en_US default
 * CURRENCY pattern renders `$1,000.12` ([DOC] developers.google.com/sheets/api/guides/formats);
 * the minus before the prefix is [UNSURE]: not captured here, it is what the tester's issue reports
 * live Sheets doing (and what spreadsheet programs do with a single section).
 */
function formatNumberPattern(value: number, pattern: string): string {
  const sections = splitSections(pattern);
  let index = 0;
  if (value < 0 && sections.length >= 2) index = 1;
  else if (value === 0 && sections.length >= 3) index = 2;
  const section = parseSection(sections[index]);
  // With a section of its own the negative value is shown as written there, without a sign.
  const own = index === 1;
  let v = own ? Math.abs(value) : value;
  v *= 100 ** section.percents;
  if (!section.core && !section.exponent) return `${section.prefix}${section.suffix}` || generalNumber(value);
  const sign = v < 0 ? '-' : '';
  let number: string;
  if (section.exponent) {
    const [intPart, fracPart = ''] = section.core.split('.');
    const decimals = fracPart.length;
    const [mantissa, exp] = Math.abs(v).toExponential(decimals).split('e');
    const e = Number(exp);
    const expSign = e < 0 ? '-' : section.exponent.sign === '+' ? '+' : '';
    number = `${intPart ? mantissa : mantissa.replace(/^0/, '')}${section.exponent.letter}${expSign}${String(Math.abs(e)).padStart(section.exponent.digits, '0')}`;
  } else {
    number = renderDigits(v, section.core);
  }
  return `${sign}${section.prefix}${number}${section.suffix}`;
}

/** Sheets' "Automatic" number format, close enough: integers verbatim, others to ten significant digits. */
export function generalNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const text = String(Number(value.toPrecision(10)));
  return text.replace('e+', 'E+').replace('e-', 'E-');
}

function isDateFormat(format: NumberFormat | undefined): boolean {
  return format?.type === 'DATE' || format?.type === 'TIME' || format?.type === 'DATE_TIME';
}

const DEFAULT_PATTERNS: Record<string, string> = {
  DATE: 'M/d/yyyy',
  TIME: 'h:mm:ss am/pm',
  DATE_TIME: 'M/d/yyyy H:mm:ss',
  PERCENT: '0.00%',
  CURRENCY: '"$"#,##0.00',
  NUMBER: '#,##0.00',
  SCIENTIFIC: '0.00E+00',
};

export function formatValue(value: ExtendedValue | undefined, format: NumberFormat | undefined): string {
  if (!value) return '';
  if (value.errorValue) return value.errorValue.type === 'ERROR' ? '#ERROR!' : `#${value.errorValue.type ?? 'ERROR'}`;
  if (value.boolValue !== undefined && value.boolValue !== null) return value.boolValue ? 'TRUE' : 'FALSE';
  if (value.stringValue !== undefined && value.stringValue !== null) return value.stringValue;
  if (value.numberValue !== undefined && value.numberValue !== null) {
    const n = value.numberValue;
    if (!format?.type || format.type === 'TEXT' || format.type === 'NUMBER_FORMAT_TYPE_UNSPECIFIED') {
      return format?.pattern && format.type !== 'TEXT' ? formatNumberPattern(n, format.pattern) : generalNumber(n);
    }
    const pattern = format.pattern || DEFAULT_PATTERNS[format.type] || '';
    if (isDateFormat(format)) return formatDatePattern(n, pattern);
    return pattern ? formatNumberPattern(n, pattern) : generalNumber(n);
  }
  return '';
}

/** One cell as values.get renders it. */
export function renderCell(
  cell: CellData | undefined,
  render: ValueRenderOption,
  dateRender: DateTimeRenderOption,
): string | number | boolean {
  if (!cell?.userEnteredValue) return '';
  const format = cell.userEnteredFormat?.numberFormat ?? undefined;
  if (render === 'FORMULA' && cell.userEnteredValue.formulaValue) return cell.userEnteredValue.formulaValue;
  const effective = effectiveValueOf(cell);
  if (render === 'FORMATTED_VALUE') return formatValue(effective, format);
  if (!effective) return '';
  if (effective.errorValue) return formatValue(effective, format);
  if (effective.numberValue !== undefined && effective.numberValue !== null) {
    if (isDateFormat(format) && dateRender === 'FORMATTED_STRING') return formatValue(effective, format);
    return effective.numberValue;
  }
  if (effective.boolValue !== undefined && effective.boolValue !== null) return effective.boolValue;
  return effective.stringValue ?? '';
}

/** The read-only parts Sheets adds to a cell in grid data (`effectiveValue`, `formattedValue`, `hyperlink`). */
export function withComputedFields(cell: CellData): CellData {
  const out: CellData = { ...cell };
  const effective = effectiveValueOf(cell);
  if (effective) {
    out.effectiveValue = effective;
    out.formattedValue = formatValue(effective, cell.userEnteredFormat?.numberFormat ?? undefined);
  }
  const formula = cell.userEnteredValue?.formulaValue;
  if (formula) {
    const link = evaluateFormula(formula).hyperlink;
    if (link) out.hyperlink = link;
  }
  if (cell.userEnteredFormat) out.effectiveFormat = cell.userEnteredFormat;
  return out;
}
