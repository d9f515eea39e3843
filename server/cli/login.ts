/**
 * `vault-archiver login` and `logout`: the Telegram account of the CLI, kept in a session file
 * outside any vault (engine/connectors/telegram-live/sessionFile.ts). The sign-in flow is the
 * extension's (TelegramAccount); only the questions are asked on the terminal.
 */
import { type TelegramAccountPort, lazyTelegramAccount } from '../engine/connectors/telegram-live/lazyAccount';
import type { SignInPromptInfo, SignInPromptKind } from '../engine/connectors/telegram-live/auth';
import type { TelegramApiCredentials } from '../engine/connectors/telegram-live/client';
import { API_CREDENTIALS_HELP } from '../engine/connectors/telegram-live/errors';
import { telegramEndpointFromEnv } from '../engine/connectors/telegram-live/endpoint';
import { API_HASH_ENV, API_ID_ENV, apiCredentialsFromEnv, checkSessionFileOutsideVault, sessionFilePath, sessionFileStore } from '../engine/connectors/telegram-live/sessionFile';
import { UserError } from '../engine/errors';
import type { AccountCommand } from './args';
import { Exit, type Output } from './output';
import { terminalQrShower } from './qrTerminal';
import { type LineAsker, type PromptStreams, terminalAsker } from './terminalPrompt';

export interface AccountArgs {
  readonly command: AccountCommand;
  readonly json: boolean;
  readonly outsideVault?: string;
  /** Sign in with a QR code printed on the terminal (the password, if any, is still typed). */
  readonly qr?: boolean;
}

const QUESTIONS: Record<SignInPromptKind, string> = {
  phone: 'Phone number (with country code): ',
  code: 'Login code: ',
  password: 'Two-step verification password: ',
};

export async function runAccountCommand(args: AccountArgs, out: Output, streams: PromptStreams = { stdin: process.stdin, stderr: process.stderr }, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const file = sessionFilePath(env);
  if (args.outsideVault) await checkSessionFileOutsideVault(file, args.outsideVault);
  const store = sessionFileStore(file, env);
  const account = lazyTelegramAccount({ store, endpoint: () => telegramEndpointFromEnv(env), signInHelp: 'Run "vault-archiver login".' });
  const asker = terminalAsker(streams);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.on('SIGINT', onSigint);
  try {
    if (args.command === 'logout') return await logout(account, (await store.session()) !== undefined, file, out);
    const credentials = apiCredentialsFromEnv(env) ?? (await store.apiCredentials()) ?? (await askCredentials(asker, streams, out));
    const prompt = (kind: SignInPromptKind, info: SignInPromptInfo) => ask(asker, out, kind, info);
    if (args.qr) out.line('Signing in with a QR code. Open Telegram on your phone (or another device where you are signed in).');
    const status = args.qr
      ? await account.signInWithQr(terminalQrShower(out), prompt, credentials, controller.signal)
      : await account.signIn(prompt, credentials, controller.signal);
    if (!status.signedIn || !status.account) {
      out.event({ event: 'login', signedIn: false });
      out.line('Sign-in cancelled: nothing was stored.');
      return Exit.cancelled;
    }
    const { name, username } = status.account;
    out.event({ event: 'login', signedIn: true, account: status.account, sessionFile: file });
    out.line(`Signed in to Telegram as ${name}${username ? ` (@${username})` : ''}.`);
    out.line(`The session is in ${file}, readable by you only. Keep it out of vaults and backups you share; "vault-archiver logout" ends it.`);
    return Exit.ok;
  } finally {
    process.off('SIGINT', onSigint);
    asker.close();
    await account.close();
  }
}

async function logout(account: TelegramAccountPort, had: boolean, file: string, out: Output): Promise<number> {
  await account.signOut();
  out.event({ event: 'logout', sessionFile: file });
  out.line(had ? `Signed out of Telegram. ${file} holds no session any more.` : 'Not signed in to Telegram: there was no session to end.');
  return Exit.ok;
}

async function ask(asker: LineAsker, out: Output, kind: SignInPromptKind, info: SignInPromptInfo): Promise<string | null> {
  out.event({ event: 'prompt', kind, ...(info.hint ? { hint: info.hint } : {}), ...(info.error ? { error: info.error } : {}) });
  if (!out.json) {
    if (info.error) out.problem(info.error);
    else if (info.hint && kind !== 'phone') out.line(info.hint);
  }
  const answer = await asker.ask(out.json ? '' : QUESTIONS[kind], kind === 'password');
  return answer === null ? null : answer.trim();
}

/** API id and hash typed on a terminal; without one, a UserError saying which variables to set. */
async function askCredentials(asker: LineAsker, streams: PromptStreams, out: Output): Promise<TelegramApiCredentials> {
  if (streams.stdin.isTTY !== true || out.json) {
    throw new UserError(`Signing in needs the API id and hash of a Telegram app: set ${API_ID_ENV} and ${API_HASH_ENV}, or run "vault-archiver login" on a terminal to type them. ${API_CREDENTIALS_HELP}`);
  }
  out.line(API_CREDENTIALS_HELP);
  const id = (await asker.ask('API id: ', false))?.trim();
  if (!id) throw new UserError('Sign-in cancelled: no API id.');
  if (!/^\d+$/.test(id)) throw new UserError('The API id is a number ("App api_id" at https://my.telegram.org/apps).');
  const hash = (await asker.ask('API hash: ', true))?.trim();
  if (!hash) throw new UserError('Sign-in cancelled: no API hash.');
  return { apiId: Number(id), apiHash: hash };
}
