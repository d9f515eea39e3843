/** What a user types to name a spreadsheet: its address or its id. Pure. */
import { UserError } from '../../../errors';

// docs.google.com/spreadsheets/d/<id>/edit…: ids are long base64url-like strings.
const ID = /^[A-Za-z0-9_-]{20,100}$/;

export function parseSpreadsheetRef(input: string): string {
  const text = input.trim();
  if (ID.test(text)) return text;
  const m = /^https?:\/\/docs\.google\.com\/spreadsheets\/(?:u\/\d+\/)?d\/([A-Za-z0-9_-]{20,100})(?:[/?#].*)?$/.exec(text);
  if (m) return m[1]!;
  throw new UserError(
    `"${text}" is not a Google Sheets spreadsheet. Paste its address (https://docs.google.com/spreadsheets/d/…) or the id in it.`,
  );
}

export function checkSheetTitle(input: string | undefined, fallback: string): string {
  const title = (input ?? '').trim() || fallback;
  if (title.length > 100) throw new UserError('A tab title has at most 100 characters.');
  return title;
}
