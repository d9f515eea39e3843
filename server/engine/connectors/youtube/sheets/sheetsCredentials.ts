import { UserError } from '../../../errors';
import type { SheetsCredentials } from './sheetsAuth';

/** Sheets credentials as stored: SheetsCredentials JSON, or a service account key file's text as downloaded. */
export function sheetsCredentialsFrom(text: string): SheetsCredentials {
  let parsed: { kind?: unknown; type?: unknown } | undefined;
  try {
    parsed = JSON.parse(text) as { kind?: unknown; type?: unknown };
  } catch {
    throw new UserError('The Google Sheets credentials are not JSON: give a service account key file (.json) as downloaded from Google Cloud Console.');
  }
  if (parsed?.kind === 'serviceAccount' || parsed?.kind === 'oauth') return parsed as SheetsCredentials;
  return { kind: 'serviceAccount', keyJson: text };
}
