/**
 * The CLI's command line, read with node:util parseArgs (strict): every mistake becomes a
 * UsageError whose message names the offending word and points at `vault-archiver help`.
 */
import { parseArgs } from 'node:util';
import { type WorkerSettings, settingSpecs } from '../../shared/settings';

/** A mistake in the command line (exit 2). `showUsage`: print the whole usage after the message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly showUsage = false,
  ) {
    super(message);
  }
}

export const WRITE_COMMANDS = ['import', 'add', 'mirror', 'sync'] as const;
export const COMMANDS = ['import', 'add', 'mirror', 'sync', 'status', 'search'] as const;
export type VaultCommand = (typeof COMMANDS)[number];

/** Commands about the Telegram account, not a vault: --vault is optional (login refuses a session file inside it). */
export const ACCOUNT_COMMANDS = ['login', 'logout'] as const;
export type AccountCommand = (typeof ACCOUNT_COMMANDS)[number];

export type CliArgs =
  | { readonly command: 'help' | 'version'; readonly json: boolean }
  | {
      readonly command: AccountCommand;
      readonly json: boolean;
      /** --vault: the vault the session file must stay out of. */
      readonly outsideVault?: string;
      /** login --qr: sign in by scanning a QR code with a Telegram app instead of the phone number. */
      readonly qr?: boolean;
    }
  | {
      readonly command: VaultCommand;
      readonly json: boolean;
      readonly vault: string;
      /** import: the export folder, or its result.json. */
      readonly exportPath?: string;
      /** add: the YouTube channel (URL, @handle or channel id); mirror: the first source id. */
      readonly ref?: string;
      /** mirror: every source id given (several share one tab: a group). */
      readonly refs?: readonly string[];
      /** mirror: the spreadsheet's address or id, or "none" to stop. */
      readonly spreadsheet?: string;
      readonly tab?: string;
      /** search: the query, and how many hits to print. */
      readonly query?: string;
      readonly limit?: number;
      readonly sources: readonly string[];
      /** Writers: wait for another process that has the vault (default: refuse at once). */
      readonly wait: boolean;
      readonly settings: Partial<WorkerSettings>;
    };

const OPTIONS = {
  vault: { type: 'string' },
  json: { type: 'boolean' },
  hardlinks: { type: 'boolean' },
  'split-by-month': { type: 'string' },
  'media-concurrency': { type: 'string' },
  source: { type: 'string', multiple: true },
  spreadsheet: { type: 'string' },
  tab: { type: 'string' },
  transcripts: { type: 'boolean' },
  'transcript-languages': { type: 'string' },
  limit: { type: 'string' },
  wait: { type: 'boolean' },
  'no-wait': { type: 'boolean' },
  qr: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;
type OptionName = keyof typeof OPTIONS;

const GLOBAL_OPTIONS: readonly OptionName[] = ['json', 'help', 'version'];
const COMMAND_OPTIONS: { readonly [C in VaultCommand]: readonly OptionName[] } = {
  import: ['vault', 'hardlinks', 'split-by-month', 'media-concurrency', 'wait', 'no-wait'],
  add: ['vault', 'wait', 'no-wait'],
  mirror: ['vault', 'spreadsheet', 'tab', 'wait', 'no-wait'],
  sync: ['vault', 'source', 'media-concurrency', 'transcripts', 'transcript-languages', 'wait', 'no-wait'],
  status: ['vault'],
  search: ['vault', 'limit'],
};

const SEE_HELP = 'see vault-archiver help';

/** Reads argv (without node and the script). Throws UsageError for any mistake. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<typeof parseStrict>;
  try {
    parsed = parseStrict(argv);
  } catch (err) {
    if (isParseArgsError(err)) throw new UsageError(explainParseError(argv, err));
    throw err;
  }
  const { values, positionals, tokens } = parsed;
  const json = values.json === true;
  const [word, ...rest] = positionals;
  if (values.help || word === 'help') return { command: 'help', json };
  if (values.version) return { command: 'version', json };
  if (word === undefined) throw new UsageError('no command given.', true);
  if ((ACCOUNT_COMMANDS as readonly string[]).includes(word)) return accountArgs(word as AccountCommand, json, values.vault, rest, tokens, values.qr === true);
  if (!isVaultCommand(word)) throw new UsageError(`unknown command "${word}"; ${SEE_HELP}`);
  const command = word;

  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const name = t.name as OptionName;
    if (!GLOBAL_OPTIONS.includes(name) && !COMMAND_OPTIONS[command].includes(name)) {
      throw new UsageError(`${t.rawName} is not an option of ${command}; ${SEE_HELP}`);
    }
  }
  const takesOne = command === 'import' || command === 'add' || command === 'search';
  const query = command === 'search' ? rest[0] : undefined;
  if (command === 'search' && !query?.trim()) {
    throw new UsageError(`search needs a query: vault-archiver search "<query>" --vault <folder> [--json] [--limit N]; ${SEE_HELP}`);
  }
  const exportPath = command === 'import' ? rest[0] : undefined;
  const ref = command === 'add' || command === 'mirror' ? rest[0] : undefined;
  const refs = command === 'mirror' ? rest.filter((r) => r.trim()) : undefined;
  if (command === 'mirror' && (!refs?.length || values.spreadsheet === undefined)) {
    throw new UsageError(`mirror needs a source and a spreadsheet: vault-archiver mirror <source id>... --vault <folder> --spreadsheet <address | id | none> [--tab <name>]; ${SEE_HELP}`);
  }
  const extra = takesOne ? rest.slice(1) : command === 'mirror' ? [] : rest;
  if (command === 'import' && exportPath === undefined) {
    throw new UsageError(`import needs the export folder: vault-archiver import <export folder> --vault <folder>; ${SEE_HELP}`);
  }
  if (command === 'add' && !ref?.trim()) {
    throw new UsageError(`add needs a YouTube channel: vault-archiver add <@handle | channel URL | UC… id> --vault <folder>; ${SEE_HELP}`);
  }
  if (extra.length) {
    const hint =
      command === 'import' ? 'import takes one export folder' : command === 'search' ? 'search takes one query (quote it: "two words" from:alice)' : command === 'add' ? 'add takes one channel (quote a URL with spaces)' : `${command} takes no folder (the vault is given with --vault)`;
    throw new UsageError(`unexpected "${extra[0]}": ${hint}; ${SEE_HELP}`);
  }
  if (values.vault === undefined) throw new UsageError(`--vault <folder> is required: the folder the notes go to; ${SEE_HELP}`);
  if (!values.vault.trim()) throw new UsageError(`--vault needs a folder, not an empty string; ${SEE_HELP}`);
  if (exportPath !== undefined && !exportPath.trim()) throw new UsageError(`the export folder is an empty string; ${SEE_HELP}`);

  const settings: { -readonly [K in keyof WorkerSettings]?: WorkerSettings[K] } = {};
  if (values.hardlinks) settings.useHardlinks = true;
  if (values['split-by-month'] !== undefined) settings.splitByMonthOver = wholeNumber('--split-by-month', values['split-by-month'], 'splitByMonthOver');
  if (values.transcripts) settings.youtubeTranscripts = true;
  if (values['transcript-languages'] !== undefined) settings.youtubeTranscriptLanguages = values['transcript-languages'];
  if (values['media-concurrency'] !== undefined) settings.mediaConcurrency = wholeNumber('--media-concurrency', values['media-concurrency'], 'mediaConcurrency');
  const limit = values.limit === undefined ? undefined : searchLimit(values.limit);
  return { command, json, vault: values.vault, exportPath, ref, refs, spreadsheet: values.spreadsheet, tab: values.tab, query, limit, sources: values.source ?? [], wait: lastWaitFlag(tokens), settings };
}

function accountArgs(command: AccountCommand, json: boolean, vault: string | undefined, rest: readonly string[], tokens: ReturnType<typeof parseStrict>['tokens'], qr: boolean): CliArgs {
  for (const t of tokens) {
    const allowed = t.kind === 'option' && (GLOBAL_OPTIONS.includes(t.name as OptionName) || t.name === 'vault' || (t.name === 'qr' && command === 'login'));
    if (t.kind === 'option' && !allowed) throw new UsageError(`${t.rawName} is not an option of ${command}; ${SEE_HELP}`);
  }
  if (rest.length) throw new UsageError(`unexpected "${rest[0]}": ${command} takes no arguments (API id and hash come from the environment or a prompt); ${SEE_HELP}`);
  if (vault !== undefined && !vault.trim()) throw new UsageError(`--vault needs a folder, not an empty string; ${SEE_HELP}`);
  return { command, json, ...(vault ? { outsideVault: vault } : {}), ...(qr ? { qr } : {}) };
}

function searchLimit(text: string): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 500) throw new UsageError(`--limit needs a whole number from 1 to 500, not "${text}"; ${SEE_HELP}`);
  return n;
}

function parseStrict(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true, tokens: true });
}

function isVaultCommand(word: string): word is VaultCommand {
  return (COMMANDS as readonly string[]).includes(word);
}

/** --wait and --no-wait: the last one given wins (an alias with --wait can be overridden). */
function lastWaitFlag(tokens: ReturnType<typeof parseStrict>['tokens']): boolean {
  let wait = false;
  for (const t of tokens) {
    if (t.kind === 'option' && t.name === 'wait') wait = true;
    if (t.kind === 'option' && t.name === 'no-wait') wait = false;
  }
  return wait;
}

function wholeNumber(flag: string, text: string, field: 'splitByMonthOver' | 'mediaConcurrency'): number {
  const spec = settingSpecs[field];
  const min = spec.type === 'integer' ? spec.minimum : 0;
  const max = spec.type === 'integer' ? (spec.maximum ?? Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} needs a whole number from ${min} to ${max}, not "${text}"; ${SEE_HELP}`);
  }
  return n;
}

function isParseArgsError(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown } | undefined)?.code;
  return err instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/**
 * Node's own messages are long and suggest `--` tricks; re-read the line without strictness to
 * name the word that is wrong in our terms.
 */
function explainParseError(argv: readonly string[], err: Error): string {
  const { tokens } = parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const spec = (OPTIONS as Record<string, { type: 'string' | 'boolean' }>)[t.name];
    if (!spec) return `unknown option ${t.rawName}; ${SEE_HELP}`;
    if (spec.type === 'string' && (t.value === undefined || (!t.inlineValue && t.value.startsWith('-')))) {
      return `${t.rawName} needs a value; ${SEE_HELP}`;
    }
    if (spec.type === 'boolean' && t.value !== undefined) return `${t.rawName} takes no value; ${SEE_HELP}`;
  }
  return `${err.message.split('\n')[0]}; ${SEE_HELP}`;
}

export const USAGE = `Usage:
  vault-archiver import <export folder> --vault <folder> [options]
      Import a Telegram Desktop export into the vault: the folder holding result.json
      (exported as "Machine-readable JSON"), or that result.json itself.
  vault-archiver add <YouTube channel> --vault <folder>
      Add a YouTube channel (@handle, youtube.com/@name or /channel/UC… URL, or UC… id).
      Needs a YouTube Data API key in VAULT_ARCHIVER_YOUTUBE_API_KEY, or in a file named
      by VAULT_ARCHIVER_YOUTUBE_API_KEY_FILE (keep it outside the vault).
  vault-archiver add telegram:<@username | t.me link | chat id> --vault <folder>
      Add a Telegram chat for live sync (a chat imported before continues in the same notes).
  vault-archiver mirror <source id>... --vault <folder> --spreadsheet <address | id | none> [--tab <name>]
      Mirror YouTube channels into a Google Sheets tab (created if missing; "Videos" by
      default): each sync appends new videos and updates changed ones. Several channels
      share the tab (a Channel column tells them apart). "none" stops. Needs a service account
      key file in VAULT_ARCHIVER_GOOGLE_CREDENTIALS_FILE; share the spreadsheet with that account.
  vault-archiver sync --vault <folder> [--source <id>]... [--transcripts] [--wait]
      Fetch what is new for the vault's sources (all of them without --source):
      YouTube channels and live Telegram chats; an imported Telegram chat is updated by
      importing a newer export, or by adding it for live sync.
  vault-archiver status --vault <folder> [--json]
      List the vault's sources with their item counts and last sync.
  vault-archiver login [--qr] [--vault <folder>]
      Sign in to Telegram: asks for the phone number, the login code and the two-step
      verification password (not echoed). With --qr, prints a QR code instead (a new one
      every 30 s): scan it in a Telegram app (Settings → Devices → Link Desktop Device). API id and hash (https://my.telegram.org/apps) from
      VAULT_ARCHIVER_TELEGRAM_API_ID and VAULT_ARCHIVER_TELEGRAM_API_HASH, or asked for.
      The session goes to ~/.config/vault-archiver/telegram-session (mode 0600), or the file
      VAULT_ARCHIVER_TELEGRAM_SESSION_FILE names; never inside a vault (--vault checks that).
  vault-archiver logout
      End the Telegram session (also on Telegram's side) and delete it from the session file.
  vault-archiver search "<query>" --vault <folder> [--json] [--limit N]
      Search the archived messages and videos, newest and exact matches first: words,
      "a phrase", prefix*, in:<chat> from:<name> before:YYYY-MM-DD after:YYYY-MM-DD
      has:photo|file|link|poll. Builds or updates the vault's search index first if needed.
  vault-archiver help | --help | -h        this help
  vault-archiver --version | -v            the version

Options:
  --vault <folder>          the vault folder (import and add create it if missing)
  --json                    machine-readable output: one JSON object per line, errors included
  --wait                    if another import or sync has the vault, wait for it to finish
  --no-wait                 if another has the vault, stop at once and say who (the default)
  --hardlinks               import: hardlink attachments instead of copying them (same disk only)
  --split-by-month <n>      import: one note per month for chats with more than n messages
  --media-concurrency <n>   parallel attachment copies (default ${settingSpecs.mediaConcurrency.default})
  --source <id>             sync: only this source (repeatable)
  --transcripts             sync: look up captions of new and changed videos (50 quota units each)
                            and download them where the Google credentials may (200 units)
  --transcript-languages <list>  sync: preferred caption languages, comma-separated (en,de)
  --limit <n>               search: at most n hits (default 20)

Exit codes: 0 done, 1 failed, 2 bad usage, 3 done with warnings, 130 cancelled.`;
