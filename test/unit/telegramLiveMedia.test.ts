// The pure parts of live media downloads: part sizes, what each getFile error asks for, and which file (and
// vault name) a message's media means, including shapes the sandbox does not send.
import assert from 'node:assert/strict';
import bigInt from 'big-integer';
import { Api, errors } from 'telegram';
import { classifyGetFileError as classify, remoteFileOf } from '../../server/engine/connectors/telegram-live/media';
import { NO_FILE_PLACEHOLDER } from '../../server/engine/connectors/telegram-live/media/filters';
import { isPlaceholderPath, placeholderReason } from '../../server/engine/telegram-notes/media';
import { partSizeFor, validPartSize } from '../../server/engine/connectors/telegram-live/media/downloader';

const KiB = 1024;
const MiB = 1024 * KiB;

function doc(fields: Partial<ConstructorParameters<typeof Api.Document>[0]> = {}): Api.MessageMediaDocument {
  return new Api.MessageMediaDocument({
    document: new Api.Document({ id: bigInt(77), accessHash: bigInt(1), fileReference: Buffer.from([1]), date: 0, mimeType: 'application/octet-stream', size: bigInt(10), dcId: 2, attributes: [], ...fields }),
  });
}

describe('telegram live media: parts, errors, files', () => {
  it('picks part sizes that are powers of two from 4 KiB, dividing 1 MiB', () => {
    assert.equal(partSizeFor(1, 256 * KiB), 4 * KiB);
    assert.equal(partSizeFor(4096, 256 * KiB), 4 * KiB);
    assert.equal(partSizeFor(4097, 256 * KiB), 8 * KiB);
    assert.equal(partSizeFor(100_000, 256 * KiB), 128 * KiB);
    assert.equal(partSizeFor(20 * MiB, 256 * KiB), 256 * KiB);
    assert.equal(partSizeFor(undefined, 256 * KiB), 256 * KiB);
    assert.equal(validPartSize(3 * MiB), MiB);
    assert.equal(validPartSize(700 * KiB), 512 * KiB);
    assert.equal(validPartSize(1), 4 * KiB);
  });

  it('reads what each upload.getFile error asks for', () => {
    assert.deepEqual(classify(new errors.FloodWaitError({ request: undefined as never, capture: 23 })), { kind: 'flood', seconds: 23 });
    assert.deepEqual(classify(new errors.RPCError('FLOOD_PREMIUM_WAIT_5', undefined as never, 420)), { kind: 'flood', seconds: 5 });
    assert.deepEqual(classify(new errors.FileMigrateError({ request: undefined as never, capture: 4 })), { kind: 'migrate', dcId: 4 });
    assert.deepEqual(classify(new errors.RPCError('FILE_REFERENCE_EXPIRED', undefined as never, 400)), { kind: 'reference' });
    assert.deepEqual(classify(new errors.RPCError('INTERNAL', undefined as never, 500)), { kind: 'transient' });
    assert.deepEqual(classify(new Error('socket closed')), { kind: 'transient' });
    assert.deepEqual(classify(new errors.RPCError('LIMIT_INVALID', undefined as never, 400)), { kind: 'fatal' });
  });

  it('names files as the export does, from the file name or the id, never with a slash', () => {
    assert.equal(remoteFileOf(doc({ attributes: [new Api.DocumentAttributeFilename({ fileName: 'a/b\\c.pdf' })] }))?.exportPath, 'files/a_b_c.pdf');
    assert.equal(remoteFileOf(doc({ mimeType: 'application/x-tgsticker', attributes: [new Api.DocumentAttributeSticker({ alt: '🙂', stickerset: new Api.InputStickerSetEmpty() })] }))?.exportPath, 'stickers/sticker_77.tgs');
    assert.equal(remoteFileOf(doc({ mimeType: 'weird/type' }))?.exportPath, 'files/file_77.bin');
    assert.equal(remoteFileOf(doc())?.key, 'document:77');
    assert.equal(remoteFileOf(new Api.MessageMediaPoll({ poll: new Api.Poll({ id: bigInt(1), question: new Api.TextWithEntities({ text: 'q', entities: [] }), answers: [] }), results: new Api.PollResults({}) })), undefined);
    assert.equal(remoteFileOf(new Api.MessageMediaPhoto({ photo: new Api.PhotoEmpty({ id: bigInt(1) }) })), undefined);
    assert.ok(isPlaceholderPath(NO_FILE_PLACEHOLDER));
    assert.equal(placeholderReason(NO_FILE_PLACEHOLDER), 'no file on Telegram for this message');
  });

  it('takes a photo at its largest size (progressive sizes too); a cached size is used inline; stripped ones never', () => {
    const photo = (sizes: Api.TypePhotoSize[]) => new Api.MessageMediaPhoto({ photo: new Api.Photo({ id: bigInt(9), accessHash: bigInt(1), fileReference: Buffer.from([1]), date: 0, sizes, dcId: 1 }) });
    const big = remoteFileOf(photo([new Api.PhotoStrippedSize({ type: 'i', bytes: Buffer.alloc(3) }), new Api.PhotoSize({ type: 'm', w: 320, h: 240, size: 9000 }), new Api.PhotoSizeProgressive({ type: 'y', w: 1280, h: 960, sizes: [1000, 50_000, 90_000] })]));
    assert.equal(big?.key, 'photo:9:y');
    assert.equal(big?.size, 90_000);
    assert.equal(big?.dcId, 1);
    assert.equal(big?.exportPath, 'photos/photo_9.jpg');
    const cached = remoteFileOf(photo([new Api.PhotoCachedSize({ type: 's', w: 90, h: 90, bytes: Buffer.from('jpeg') })]));
    assert.deepEqual(cached?.inline, Buffer.from('jpeg'));
    assert.equal(remoteFileOf(photo([new Api.PhotoStrippedSize({ type: 'i', bytes: Buffer.alloc(3) })])), undefined);
  });

  it('a document thumbnail is its largest thumb, named after the document', () => {
    const withThumbs = doc({ thumbs: [new Api.PhotoSize({ type: 's', w: 90, h: 90, size: 100 }), new Api.PhotoSize({ type: 'm', w: 320, h: 320, size: 900 })], attributes: [new Api.DocumentAttributeFilename({ fileName: 'x.pdf' })] });
    const t = remoteFileOf(withThumbs, true);
    assert.equal(t?.key, 'document:77:m');
    assert.equal(t?.exportPath, 'files/x.pdf_thumb.jpg');
    assert.equal((t?.location as Api.InputDocumentFileLocation).thumbSize, 'm');
    assert.equal(remoteFileOf(doc(), true), undefined, 'no thumbs: nothing');
  });
});
