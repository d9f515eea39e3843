/**
 * upload.getFile through GramJS, on the download connection of the file's DC.
 *
 * `client.getSender(dcId)` is GramJS's own exported sender for that DC (what downloadMedia uses):
 * on another DC it makes a key there and runs auth.exportAuthorization/importAuthorization. The
 * request goes straight to the sender rather than through client.invoke, so flood waits come back
 * to the downloader (which waits them out for every part at once, reports them and can be
 * cancelled) instead of being slept through inside GramJS, and nothing is retried twice.
 */
import type { Api, TelegramClient } from 'telegram';
import type { FilePartPort } from './downloader';

export function gramjsFilePort(client: TelegramClient): FilePartPort {
  return {
    async getFile(dcId: number, request: Api.upload.GetFile): Promise<Api.upload.TypeFile> {
      const sender = await client.getSender(dcId);
      return (await sender.send(request)) as Api.upload.TypeFile;
    },
  };
}
