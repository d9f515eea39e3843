/**
 * fileRefsIn reads the file paths an entry of the messages array names from its text, without
 * parsing it (the digest of a re-import asks it for every entry): the same answer from the text
 * and from its UTF-8 bytes, whatever else the entry holds.
 */
import * as assert from 'node:assert/strict';
import { fileRefsIn } from '../../../server/engine/connectors/telegram-export/chatDigest';

const both = (text: string): [string[], string[]] => [fileRefsIn(text), fileRefsIn(Buffer.from(text, 'utf8'))];

describe('fileRefsIn', () => {
  it('finds photo, file, thumbnail and contact_vcard paths, unescaped, in order', () => {
    const entry = JSON.stringify({ id: 1, text: 'жизнь 😀 "photo"', photo: 'photos/ф 1.jpg', file: 'files/a\\b "c".pdf', thumbnail: 'files/t.jpg', contact_vcard: 'contacts/v.vcf' }, null, 1);
    for (const refs of both(entry)) assert.deepEqual(refs, ['photos/ф 1.jpg', 'files/a\\b "c".pdf', 'files/t.jpg', 'contacts/v.vcf']);
  });

  it('names nothing for entries without those keys, a key only in the text, or a file left out of the export', () => {
    for (const entry of [
      JSON.stringify({ id: 2, text: 'a "photo": "x.jpg" written in a message', from: 'Жанна' }),
      JSON.stringify({ id: 3, photo: '(File not included. Change data exporting settings to download.)' }),
      JSON.stringify({ id: 4, media_type: 'sticker', photo_file_size: 5 }),
      '7',
    ]) {
      for (const refs of both(entry)) assert.deepEqual(refs, [], entry);
    }
  });
});
