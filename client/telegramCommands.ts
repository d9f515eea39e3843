/**
 * The Telegram account commands: Sign In (a QR code to scan in a tab, or the phone number; API id
 * and hash, then the worker's questions — phone, code, two-step password — each in an input box,
 * cancellable), Sign Out, and the Add Telegram
 * Chat picker, which searches the account's chats as the user types (pages from the worker) and
 * also takes a t.me link, @username or id. The worker does the talking to Telegram; the session
 * it makes comes back through archive/setSecret into SecretStorage (worker.ts).
 */
import * as vscode from 'vscode';
import { TelegramRequests } from '../shared/protocol';
import type { Secrets } from './secrets';
import { API_CREDENTIALS_URL, apiHashProblem, apiIdProblem, chatRow, looksLikeChatRef, promptBox } from './telegramItems';
import { TelegramQrPanel, noteQrScanned } from './telegramQrPanel';
import type { Worker } from './worker';

export interface TelegramCommandContext {
  readonly worker: () => Promise<Worker>;
  readonly secrets: Secrets;
  readonly log: vscode.LogOutputChannel;
}

/** Answers one question of the worker's sign-in in an input box; null when the user cancelled. */
export async function answerTelegramPrompt(p: TelegramRequests.PromptParams, token: vscode.CancellationToken): Promise<string | null> {
  if (p.kind === 'password') noteQrScanned();
  const box = promptBox(p);
  const answer = await vscode.window.showInputBox({ ...box, ignoreFocusOut: true }, token);
  return answer === undefined ? null : answer;
}

/** Asks in an input box with a button that opens my.telegram.org; undefined when cancelled. */
function askCredential(title: string, prompt: string, password: boolean, validate: (v: string) => string | undefined): Promise<string | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    const open: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('link-external'), tooltip: `Open ${API_CREDENTIALS_URL}` };
    Object.assign(box, { title, prompt, password, ignoreFocusOut: true, buttons: [open] });
    let done = false;
    const finish = (value: string | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
      box.dispose();
    };
    box.onDidTriggerButton(() => void vscode.env.openExternal(vscode.Uri.parse(API_CREDENTIALS_URL)));
    box.onDidChangeValue((v) => (box.validationMessage = v ? validate(v) : undefined));
    box.onDidAccept(() => {
      const problem = validate(box.value);
      if (problem) box.validationMessage = problem;
      else finish(box.value.trim());
    });
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}

type MethodItem = vscode.QuickPickItem & { readonly method: 'qr' | 'phone' };

/** QR code or phone number; undefined when cancelled. */
async function pickSignInMethod(): Promise<'qr' | 'phone' | undefined> {
  const items: MethodItem[] = [
    { label: '$(device-mobile) Scan a QR code with the Telegram app', detail: 'On your phone: Settings → Devices → Link Desktop Device. No code to type.', method: 'qr' },
    { label: '$(call-outgoing) Phone number', detail: 'Telegram sends a login code to your Telegram app (or by SMS) to type here.', method: 'phone' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Sign In to Telegram', placeHolder: 'How do you want to sign in?', ignoreFocusOut: true });
  return picked?.method;
}

export async function signInTelegram(ctx: TelegramCommandContext): Promise<void> {
  const worker = await ctx.worker();
  const method = await pickSignInMethod();
  if (!method) return;
  let params: TelegramRequests.SignInParams = { method };
  if (!(await ctx.secrets.get('telegramApiCredentials'))) {
    const where = `From ${API_CREDENTIALS_URL} (the button opens it): log in with your phone, open "API development tools" and create an app (any title and short name).`;
    const id = await askCredential('Sign In to Telegram (1/2): API id', `The "App api_id". ${where}`, false, apiIdProblem);
    if (id === undefined) return;
    const hash = await askCredential('Sign In to Telegram (2/2): API hash', `The "App api_hash" of the same app. Kept in VS Code Secret Storage only.`, true, apiHashProblem);
    if (hash === undefined) return;
    params = { method, apiId: Number(id), apiHash: hash };
  }
  const status = method === 'qr' ? await signInWithQrPanel(worker, params) : await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Signing in to Telegram…', cancellable: true },
    (_progress, token) => worker.client.sendRequest(TelegramRequests.signIn, params, token),
  );
  if (!status.signedIn || !status.account) return; // cancelled: nothing stored, nothing to say
  const who = `${status.account.name}${status.account.username ? ` (@${status.account.username})` : ''}`;
  ctx.log.info(`Signed in to Telegram as ${who}.`);
  void vscode.window.showInformationMessage(`Signed in to Telegram as ${who}. The session is kept in VS Code Secret Storage only.`, 'Add Telegram Chat').then((a) => {
    if (a) void vscode.commands.executeCommand('vaultArchiver.addTelegramChat');
  });
}

/**
 * The QR sign-in: a tab shows each code the worker sends; closing it or the progress
 * notification's Cancel cancels the request; the tab closes when the sign-in ends.
 */
async function signInWithQrPanel(worker: Worker, params: TelegramRequests.SignInParams): Promise<TelegramRequests.Status> {
  const panel = new TelegramQrPanel();
  const cancel = new vscode.CancellationTokenSource();
  const subscriptions = [panel, cancel, panel.onDidCloseByUser(() => cancel.cancel()), worker.onTelegramQrCode((code) => void panel.show(code).catch((err: unknown) => void vscode.window.showErrorMessage(`The QR code could not be drawn: ${err instanceof Error ? err.message : String(err)}`)))];
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Signing in to Telegram with a QR code (see its tab)…', cancellable: true }, (_progress, token) => {
      subscriptions.push(token.onCancellationRequested(() => cancel.cancel()));
      return worker.client.sendRequest(TelegramRequests.signIn, params, cancel.token);
    });
  } finally {
    for (const s of subscriptions.reverse()) s.dispose();
  }
}

export async function signOutTelegram(ctx: TelegramCommandContext): Promise<void> {
  const worker = await ctx.worker();
  const status = await worker.client.sendRequest(TelegramRequests.status);
  if (!status.signedIn && !status.problem) {
    void vscode.window.showInformationMessage('Not signed in to Telegram.');
    return;
  }
  const who = status.account ? ` as ${status.account.name}` : '';
  const choice = await vscode.window.showWarningMessage(
    `Sign out of Telegram${who}?`,
    { modal: true, detail: 'Ends this session on Telegram and deletes it from VS Code. Archived notes stay; live chats stop syncing until you sign in again.' },
    'Sign Out',
  );
  if (choice !== 'Sign Out') return;
  await worker.client.sendRequest(TelegramRequests.signOut);
  ctx.log.info('Signed out of Telegram.');
  void vscode.window.showInformationMessage('Signed out of Telegram. The session is deleted.');
}

type ChatItem = vscode.QuickPickItem & { readonly ref?: string; readonly more?: boolean };

/**
 * The chat to add, as a ref the worker resolves (a chat's marked id, or what the user typed);
 * undefined when cancelled. Not signed in: offers to sign in first.
 */
export async function pickTelegramChat(ctx: TelegramCommandContext): Promise<string | undefined> {
  const worker = await ctx.worker();
  const status = await worker.client.sendRequest(TelegramRequests.status);
  if (!status.signedIn) {
    const a = await vscode.window.showInformationMessage(status.problem ?? 'Sign in to Telegram first to pick from your chats.', 'Sign In to Telegram');
    if (a) await vscode.commands.executeCommand('vaultArchiver.signInTelegram');
    return undefined;
  }
  return new Promise<string | undefined>((resolve) => {
    const pick = vscode.window.createQuickPick<ChatItem>();
    pick.title = 'Add Telegram Chat';
    pick.placeholder = 'Search your chats, or paste a t.me link, @username or chat id';
    pick.matchOnDescription = true;
    let chats: ChatItem[] = [];
    let cursor: string | undefined;
    let generation = 0;
    let timer: NodeJS.Timeout | undefined;
    const render = () => {
      const typed = pick.value.trim();
      const direct: ChatItem[] = looksLikeChatRef(typed) ? [{ label: `$(link) Add "${typed}"`, description: 'resolve the link, @username or id', alwaysShow: true, ref: typed }] : [];
      const more: ChatItem[] = cursor ? [{ label: '$(ellipsis) More chats…', alwaysShow: true, more: true }] : [];
      pick.items = [...direct, ...chats, ...more];
    };
    const load = async (append: boolean) => {
      const mine = ++generation;
      pick.busy = true;
      try {
        const page = await worker.client.sendRequest(TelegramRequests.chats, { search: pick.value, cursor: append ? cursor : undefined, limit: 50 });
        if (mine !== generation) return; // the user typed on: a newer search is under way
        const rows = page.chats.map((c) => ({ ...chatRow(c), alwaysShow: true, ref: String(c.markedId) }));
        chats = append ? [...chats, ...rows] : rows;
        cursor = page.cursor;
        render();
      } catch (err) {
        if (mine === generation) pick.placeholder = err instanceof Error ? err.message : String(err);
      } finally {
        if (mine === generation) pick.busy = false;
      }
    };
    pick.onDidChangeValue(() => {
      render();
      clearTimeout(timer);
      timer = setTimeout(() => void load(false), 200);
    });
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0];
      if (item?.more) return void load(true);
      if (!item?.ref) return;
      resolve(item.ref);
      pick.hide();
    });
    pick.onDidHide(() => {
      clearTimeout(timer);
      resolve(undefined);
      pick.dispose();
    });
    pick.show();
    void load(false);
  });
}
