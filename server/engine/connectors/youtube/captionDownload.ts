/**
 * captions.download through the official client, signed in as a Google user (OAuth). YouTube
 * answers it only for videos that user may edit (or whose owner allows third-party
 * contributions), with the youtube.force-ssl (or youtubepartner) scope; 200 units a call, also when
 * refused (developers.google.com/youtube/v3/docs/captions/download).
 */
import { youtube } from '@googleapis/youtube';
import type { RateLimiter } from '../../util/rateLimiter';
import { translateError } from './api';
import type { DownloadBlocker } from './captions';
import { type SheetsAuthClient, type SheetsCredentials, createSheetsAuth } from './sheets/sheetsAuth';
import { sheetsCredentialsFrom } from './sheets/sheetsCredentials';

/** 403 `forbidden`: this account may not download this video's captions. */
export class CaptionForbiddenError extends Error {
  override readonly name = 'CaptionForbiddenError';
}
/** 403 insufficientPermissions: the token lacks the scope; no download works this run. */
export class CaptionScopeError extends Error {
  override readonly name = 'CaptionScopeError';
}
/** 404 `captionNotFound`: the track went away between the list and the download. */
export class CaptionNotFoundError extends Error {
  override readonly name = 'CaptionNotFoundError';
}

export interface CaptionDownloader {
  /** The track as WebVTT text. */
  download(trackId: string, signal?: AbortSignal): Promise<string>;
}

/** Scopes captions.download accepts ([DOC] its "Authorization" section). */
export const CAPTION_SCOPES = ['https://www.googleapis.com/auth/youtube.force-ssl', 'https://www.googleapis.com/auth/youtubepartner'];

export function googleCaptionDownloader(o: { auth: SheetsAuthClient; rootUrl?: string; onCall: () => void; limiter?: RateLimiter }): CaptionDownloader {
  const client = youtube({ version: 'v3', auth: o.auth, ...(o.rootUrl ? { rootUrl: o.rootUrl } : {}) });
  return {
    async download(trackId, signal) {
      await o.limiter?.acquire(signal);
      o.onCall();
      try {
        // The file comes as application/octet-stream: read bytes, decode as UTF-8 (what YouTube's subtitle formats use).
        const res = await client.captions.download({ id: trackId, tfmt: 'vtt' }, { signal, responseType: 'arraybuffer' });
        return new TextDecoder('utf-8').decode(res.data as ArrayBuffer);
      } catch (err) {
        const response = (err as { response?: { status?: number; data?: unknown } })?.response;
        if (response) response.data = asJson(response.data);
        const reasons = reasonsOf(response?.data);
        if (response?.status === 403 && (reasons.includes('insufficientPermissions') || reasons.includes('ACCESS_TOKEN_SCOPE_INSUFFICIENT'))) {
          throw new CaptionScopeError('the Google sign-in lacks the youtube.force-ssl scope');
        }
        if (response?.status === 403 && reasons.includes('forbidden')) throw new CaptionForbiddenError('not allowed to download these captions');
        if (response?.status === 404) throw new CaptionNotFoundError('the caption track is gone');
        throw translateError(err);
      }
    },
  };
}

/** An error body asked for as bytes (responseType arraybuffer), parsed as the JSON Google sends. */
function asJson(data: unknown): unknown {
  if (!(data instanceof ArrayBuffer || ArrayBuffer.isView(data))) return data;
  try {
    return JSON.parse(new TextDecoder().decode(data as ArrayBuffer));
  } catch {
    return undefined;
  }
}

function reasonsOf(body: unknown): string[] {
  const error = (body as { error?: { errors?: { reason?: string }[]; details?: { reason?: string }[] } } | undefined)?.error;
  return [...(error?.errors ?? []), ...(error?.details ?? [])].map((e) => e.reason ?? '');
}

/**
 * Who may download captions in this run, from the Google credentials set for Sheets: only OAuth
 * user credentials whose grant includes youtube.force-ssl or youtubepartner. A service account is
 * no YouTube user and can edit no video, so it cannot. The caption client does not resend a
 * request refused with 403 after a token refresh (a `forbidden` is a verdict, and a resend would
 * cost 200 more units).
 */
export async function captionCredentials(
  text: string | undefined,
  tokenUrl: string | undefined,
  warn: (message: string) => void,
): Promise<{ auth?: SheetsAuthClient; blocker: DownloadBlocker }> {
  if (!text?.trim()) return { blocker: 'no-credentials' };
  let credentials: SheetsCredentials;
  try {
    credentials = sheetsCredentialsFrom(text.trim());
  } catch {
    return { blocker: 'no-credentials' };
  }
  if (credentials.kind !== 'oauth') return { blocker: 'service-account' };
  try {
    const { client } = createSheetsAuth(credentials, { tokenUrl, forceRefreshOnFailure: false });
    await client.getAccessToken();
    // The token endpoint says which scopes the refresh token carries; absent: try, and learn from a 403.
    const scope = client.credentials.scope;
    if (typeof scope === 'string' && !scope.split(/\s+/).some((s) => CAPTION_SCOPES.includes(s))) return { blocker: 'no-scope' };
    return { auth: client, blocker: 'no-scope' };
  } catch (err) {
    const reason = (err as { response?: { data?: { error?: unknown } } })?.response?.data?.error;
    warn(`Transcripts: Google refused the credentials${typeof reason === 'string' ? ` (${reason})` : ''}; captions are listed but not downloaded this run.`);
    return { blocker: 'no-credentials' };
  }
}
