/**
 * Error bodies exactly as Google sends them. Two envelopes exist:
 *
 * - YouTube Data API v3 keeps the old "v1" envelope, `error.errors[]` with `domain`/`reason`
 *   (plus `location`/`locationType` for parameter errors), and newer errors add the
 *   one-platform `status` and `details[]` next to it.
 * - Sheets API v4 uses only the one-platform envelope: `code`, `message`, `status`, optional
 *   `details[]`, and no `errors[]` ([REAL] the 429 in google-api-shapes.md §5).
 *
 * Every builder names its source: [DOC] official reference, [REAL] a captured live response,
 * [UNSURE] our best reconstruction (the wording may differ from Google's).
 */

export type JsonObject = Record<string, unknown>;

/** An error the sandbox answers with; thrown inside handlers and turned into a response. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: JsonObject,
    readonly headers: Record<string, string> = {},
  ) {
    super(String((body.error as JsonObject | undefined)?.message ?? `HTTP ${status}`));
  }
}

// ---------------------------------------------------------------- YouTube (v1 envelope)

interface YouTubeErrorItem {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
  extendedHelp?: string;
}

function youtubeError(
  code: number,
  item: YouTubeErrorItem,
  extra: { status?: string; details?: JsonObject[]; message?: string } = {},
): ApiError {
  const error: JsonObject = { code, message: extra.message ?? item.message, errors: [item] };
  if (extra.status) error.status = extra.status;
  if (extra.details) error.details = extra.details;
  return new ApiError(code, { error });
}

const QUOTA_MESSAGE =
  'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.';

/** [REAL] google-api-shapes.md §4: 403, domain youtube.quota, no `status`. */
export function youtubeQuotaExceeded(): ApiError {
  return youtubeError(403, { message: QUOTA_MESSAGE, domain: 'youtube.quota', reason: 'quotaExceeded' });
}

export type InvalidKeyForm = 'current' | 'legacy';

/**
 * A key Google does not know. 'current': [REAL] captured by several public YouTube clients' tests
 * (reason `badRequest` in `errors[]`, `API_KEY_INVALID` in `details[]`, service youtube.googleapis.com).
 * 'legacy': the older body older clients and mocks match on, `keyInvalid` in domain `usageLimits`
 * ([REAL] as quoted in public test fixtures; the message there is "Bad Request").
 */
export function youtubeKeyInvalid(form: InvalidKeyForm): ApiError {
  if (form === 'legacy') {
    return youtubeError(400, { message: 'Bad Request', domain: 'usageLimits', reason: 'keyInvalid' });
  }
  const message = 'API key not valid. Please pass a valid API key.';
  return youtubeError(
    400,
    { message, domain: 'global', reason: 'badRequest' },
    { status: 'INVALID_ARGUMENT', details: [errorInfo('API_KEY_INVALID', { service: 'youtube.googleapis.com' })] },
  );
}

/** [REAL] a YouTube response quoted in a public client's comments: no key and no token at all. */
export function youtubeKeyMissing(): ApiError {
  return youtubeError(
    403,
    { message: 'The request is missing a valid API key.', domain: 'global', reason: 'forbidden' },
    { status: 'PERMISSION_DENIED' },
  );
}

/** [REAL] several captures: the message is the offending part name in single quotes. */
export function youtubeUnknownPart(part: string): ApiError {
  return youtubeError(400, {
    message: `'${part}'`,
    domain: 'youtube.part',
    reason: 'unknownPart',
    location: 'part',
    locationType: 'parameter',
  });
}

/** [UNSURE] wording; the client checks required params itself, so only raw HTTP reaches this. */
export function youtubeRequiredParameter(name: string): ApiError {
  return youtubeError(400, {
    message: `Required parameter: ${name}`,
    domain: 'global',
    reason: 'required',
    location: name,
    locationType: 'parameter',
  });
}

/** [REAL] "No filter selected. Expected one of: chart, id, myRating" (captures from 2014 to 2023). */
export function youtubeNoFilter(expected: readonly string[]): ApiError {
  const message = `No filter selected. Expected one of: ${expected.join(', ')}`;
  return youtubeError(400, {
    message,
    domain: 'youtube.parameter',
    reason: 'missingRequiredParameter',
    location: '',
    locationType: 'parameter',
  });
}

/** [UNSURE] two filters at once (e.g. `id` and `forHandle`); reason name from the v3 errors page. */
export function youtubeIncompatibleParameters(names: readonly string[]): ApiError {
  const message = `Incompatible parameters specified in the request: ${names.join(', ')}`;
  return youtubeError(400, {
    message,
    domain: 'youtube.parameter',
    reason: 'incompatibleParameters',
    location: 'parameters.',
    locationType: 'other',
  });
}

/**
 * More than 50 ids. [REAL] message and reason from mxpv/podsync#278 ("The request specifies an
 * invalid filter parameter., invalidFilters"); domain and location [UNSURE].
 */
export function youtubeInvalidFilters(): ApiError {
  return youtubeError(400, {
    message: 'The request specifies an invalid filter parameter.',
    domain: 'youtube.parameter',
    reason: 'invalidFilters',
    location: 'parameters.',
    locationType: 'other',
  });
}

/** [REAL] "Invalid value '51'. Values must be within the range: [0, 50]" (many captures). */
export function youtubeOutOfRange(name: string, raw: string, min: number, max: number): ApiError {
  return youtubeError(400, {
    message: `Invalid value '${raw}'. Values must be within the range: [${min}, ${max}]`,
    domain: 'global',
    reason: 'invalidParameter',
    location: name,
    locationType: 'parameter',
  });
}

/** [REAL] "Invalid value 'views'. Values must be one of: …" (search.list `order`, a public fixture). */
export function youtubeInvalidEnum(name: string, raw: string, allowed: readonly string[]): ApiError {
  return youtubeError(400, {
    message: `Invalid value '${raw}'. Values must be one of: ${allowed.join(', ')}`,
    domain: 'global',
    reason: 'invalidParameter',
    location: name,
    locationType: 'parameter',
  });
}

/** [REAL] a captured body quoted in a public repository (domain youtube.parameter). */
export function youtubeInvalidPageToken(): ApiError {
  return youtubeError(400, {
    message: 'The request specifies an invalid page token.',
    domain: 'youtube.parameter',
    reason: 'invalidPageToken',
    location: 'pageToken',
    locationType: 'parameter',
  });
}

/** [REAL] captured in a public test suite: 404, domain youtube.playlistItem. */
export function youtubePlaylistNotFound(): ApiError {
  return youtubeError(404, {
    message: "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.",
    domain: 'youtube.playlistItem',
    reason: 'playlistNotFound',
    location: 'playlistId',
    locationType: 'parameter',
  });
}

/** [UNSURE] not captured for YouTube itself (google-api-shapes.md §4); Google uses 403 and 429 both. */
export function youtubeRateLimited(status: 403 | 429, reason: 'rateLimitExceeded' | 'userRateLimitExceeded'): ApiError {
  const message = reason === 'rateLimitExceeded' ? 'Rate Limit Exceeded' : 'User Rate Limit Exceeded';
  return youtubeError(status, { message, domain: 'usageLimits', reason });
}

/** [UNSURE] Google's generic backend failures as seen through the v1 envelope. */
export function youtubeServerError(status: number): ApiError {
  if (status === 503) {
    return youtubeError(
      503,
      { message: 'The service is currently unavailable.', domain: 'global', reason: 'backendError' },
      { status: 'UNAVAILABLE' },
    );
  }
  return youtubeError(status, { message: 'Backend Error', domain: 'global', reason: 'backendError' });
}

/** [REAL] a youtube.googleapis.com 401 quoted in a public repository (OAuth-only calls, bad tokens). */
export function youtubeUnauthenticated(): ApiError {
  const message =
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
  return youtubeError(
    401,
    { message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' },
    { status: 'UNAUTHENTICATED', message },
  );
}

/** [REAL] a youtube.googleapis.com capture: OAuth-only filters (`mine`, `myRating`) called with a key. */
export function youtubeLoginRequired(): ApiError {
  return youtubeError(
    401,
    { message: 'Login Required.', domain: 'global', reason: 'required', location: 'Authorization', locationType: 'header' },
    { status: 'UNAUTHENTICATED' },
  );
}

/** [UNSURE] wording; reason and domain as public clients match them (a private playlist read with a key). */
export function youtubePlaylistItemsNotAccessible(): ApiError {
  return youtubeError(403, {
    message: 'The request is not properly authorized to retrieve the specified playlist.',
    domain: 'youtube.playlistItem',
    reason: 'playlistItemsNotAccessible',
    location: 'playlistId',
    locationType: 'parameter',
  });
}

/** [UNSURE] wording; search.list `eventType` without `type=video`, per the search.list reference's rule. */
export function youtubeInvalidSearchFilter(): ApiError {
  return youtubeError(400, {
    message: 'The request contains an invalid combination of search filters and/or restrictions. Note that you must set the type parameter to video if you set either the forContentOwner or forMine parameters to true. You must also set the type parameter to video if you set a value for the eventType, videoCaption, videoCategoryId, videoDefinition, videoDimension, videoDuration, videoEmbeddable, videoLicense, videoSyndicated, or videoType parameters.',
    domain: 'youtube.search',
    reason: 'invalidSearchFilter',
    location: 'parameters.',
    locationType: 'other',
  });
}

// ---------------------------------------------------------------- Sheets (one-platform envelope)

export function errorInfo(reason: string, metadata: Record<string, string>): JsonObject {
  return { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', metadata };
}

function sheetsError(code: number, status: string, message: string, details?: JsonObject[]): ApiError {
  const error: JsonObject = { code, message, status };
  if (details) error.details = details;
  return new ApiError(code, { error });
}

/** [REAL] e.g. `Invalid requests[2].updateCells: No grid with id: 999999` (google-api-shapes.md §5). */
export function sheetsInvalidArgument(message: string, details?: JsonObject[]): ApiError {
  return sheetsError(400, 'INVALID_ARGUMENT', message, details);
}

/**
 * [REAL] the JSON-parse failures Google reports for an unknown field or a bad enum value, with a
 * BadRequest detail naming the field path in snake_case.
 */
export function sheetsBadPayload(message: string, field: string): ApiError {
  return sheetsInvalidArgument(message, [
    { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field, description: message }] },
  ]);
}

/** [REAL] "Requested entity was not found." for an unknown spreadsheet id. */
export function sheetsNotFound(): ApiError {
  return sheetsError(404, 'NOT_FOUND', 'Requested entity was not found.');
}

/** [REAL] "The caller does not have permission" (a private spreadsheet read with only an API key). */
export function sheetsPermissionDenied(): ApiError {
  return sheetsError(403, 'PERMISSION_DENIED', 'The caller does not have permission');
}

/** [REAL] google-api-shapes.md §5 (danjmfox/job-alert-harvester live fixture). No Retry-After header. */
export function sheetsRateLimited(kind: 'read' | 'write', scope: 'user' | 'project', limit: number): ApiError {
  const metricName = kind === 'read' ? 'Read requests' : 'Write requests';
  const limitLabel = `${metricName} per minute${scope === 'user' ? ' per user' : ''}`;
  const limitId = `${kind === 'read' ? 'Read' : 'Write'}RequestsPerMinute${scope === 'user' ? 'PerUser' : 'PerProject'}`;
  const message = `Quota exceeded for quota metric '${metricName}' and limit '${limitLabel}' of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.`;
  return sheetsError(429, 'RESOURCE_EXHAUSTED', message, [
    errorInfo('RATE_LIMIT_EXCEEDED', {
      quota_metric: `sheets.googleapis.com/${kind}_requests`,
      quota_limit: limitId,
      quota_limit_value: String(limit),
      quota_unit: scope === 'user' ? '1/min/{project}/{user}' : '1/min/{project}',
      service: 'sheets.googleapis.com',
      consumer: 'projects/000000000000',
      quota_location: 'global',
    }),
    {
      '@type': 'type.googleapis.com/google.rpc.Help',
      links: [{ description: 'Request a higher quota limit.', url: 'https://cloud.google.com/docs/quotas/help/request_increase' }],
    },
  ]);
}

/** [REAL] the key-invalid body captured from another one-platform API (google-api-shapes.md §4). */
export function sheetsKeyInvalid(): ApiError {
  return sheetsError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
    errorInfo('API_KEY_INVALID', { service: 'sheets.googleapis.com' }),
  ]);
}

/**
 * The RPC name Google puts in `details[].metadata.method` of a Sheets error, per route: the
 * service `google.apps.sheets.v4.SpreadsheetsService` and a verb + noun method name, never the
 * REST method id. [REAL] GetValues, GetSpreadsheet (the ErrorInfo of captured 403
 * ACCESS_TOKEN_SCOPE_INSUFFICIENT bodies and API_KEY_SERVICE_BLOCKED messages in public
 * repositories), AppendValues (a Cloud Monitoring method filter in public notes), UpdateValues
 * (vuthanhdatt/vn-stock-price README, from the console's API metrics);
 * [UNSURE] BatchGetValues, BatchUpdateValues, CreateSpreadsheet (seen only in an API-key
 * restriction sample, under `google.sheets.v4`), and ClearValues, BatchClearValues,
 * BatchUpdateSpreadsheet (not captured; by the same naming pattern).
 */
export const SHEETS_RPC_METHODS: Readonly<Record<string, string>> = {
  'sheets.spreadsheets.create': 'CreateSpreadsheet',
  'sheets.spreadsheets.get': 'GetSpreadsheet',
  'sheets.spreadsheets.batchUpdate': 'BatchUpdateSpreadsheet',
  'sheets.spreadsheets.values.get': 'GetValues',
  'sheets.spreadsheets.values.batchGet': 'BatchGetValues',
  'sheets.spreadsheets.values.update': 'UpdateValues',
  'sheets.spreadsheets.values.batchUpdate': 'BatchUpdateValues',
  'sheets.spreadsheets.values.append': 'AppendValues',
  'sheets.spreadsheets.values.clear': 'ClearValues',
  'sheets.spreadsheets.values.batchClear': 'BatchClearValues',
};

/** `google.apps.sheets.v4.SpreadsheetsService.<Rpc>` for a sandbox route name. */
export function sheetsRpcMethod(route: string): string {
  const rpc = SHEETS_RPC_METHODS[route];
  if (!rpc) throw new Error(`no Sheets RPC name for route ${route}`);
  return `google.apps.sheets.v4.SpreadsheetsService.${rpc}`;
}

/**
 * A write made with neither a token nor a key: 401 UNAUTHENTICATED, not the 403 a read gets.
 * [REAL] the message as Sheets writers quote it (theoephraim/node-google-spreadsheet#327,
 * googleapis/google-auth-library-nodejs#168); the CREDENTIALS_MISSING ErrorInfo with `method`
 * and `service` as captured from another one-platform API's 401 (a Vertex AI body quoted in
 * elastic/elasticsearch, GoogleVertexAiErrorResponseEntity).
 */
export function sheetsAuthenticationRequired(method: string): ApiError {
  return sheetsError(
    401,
    'UNAUTHENTICATED',
    'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    [errorInfo('CREDENTIALS_MISSING', { service: 'sheets.googleapis.com', method })],
  );
}

/**
 * [REAL] wording of the 401 Google gives a write (or any call) made with only an API key, as
 * captured from youtube.googleapis.com; the one-platform envelope carries no `errors[]`.
 */
export function sheetsCredentialsMissing(method: string): ApiError {
  return sheetsError(
    401,
    'UNAUTHENTICATED',
    'API keys are not supported by this API. Expected OAuth2 access token or other authentication credentials that assert a principal. See https://cloud.google.com/docs/authentication',
    [errorInfo('CREDENTIALS_MISSING', { service: 'sheets.googleapis.com', method })],
  );
}

/** [REAL] the one-platform answer to a read with neither a key nor a token (writes: `sheetsAuthenticationRequired`). */
export function sheetsKeyMissing(): ApiError {
  return sheetsError(403, 'PERMISSION_DENIED', 'The request is missing a valid API key.');
}

/** [REAL] the common 401 for an expired or unknown bearer token. */
export function sheetsUnauthenticated(): ApiError {
  return sheetsError(
    401,
    'UNAUTHENTICATED',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    [errorInfo('ACCESS_TOKEN_TYPE_UNSUPPORTED', { service: 'sheets.googleapis.com' })],
  );
}

/** [REAL] the generic one-platform server errors ("Internal error encountered." / UNAVAILABLE). */
export function sheetsServerError(status: number): ApiError {
  if (status === 503) return sheetsError(503, 'UNAVAILABLE', 'The service is currently unavailable.');
  if (status === 500) return sheetsError(500, 'INTERNAL', 'Internal error encountered.');
  return sheetsError(status, 'UNKNOWN', 'Unknown error.');
}

/** [UNSURE] the frontend's answer to an oversized body; Google documents ~2 MB as the recommended ceiling. */
export function payloadTooLarge(limit: number): ApiError {
  return sheetsError(400, 'INVALID_ARGUMENT', `Request payload size exceeds the limit: ${limit} bytes.`);
}

/** [REAL] the error body of oauth2.googleapis.com/token for an unknown refresh token. */
export function oauthInvalidGrant(): ApiError {
  return new ApiError(400, { error: 'invalid_grant', error_description: 'Bad Request' });
}

export function oauthInvalidClient(): ApiError {
  return new ApiError(401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
}
