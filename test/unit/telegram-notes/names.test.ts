import { strict as assert } from 'node:assert';
import { attachmentFileName, chatDisplayTitle, chatFolderName, monthKeyOf, noteFileName } from '../../../server/engine/telegram-notes';

describe('format: names', () => {
  it('chatDisplayTitle names chats that have no name', () => {
    assert.equal(chatDisplayTitle({ id: 1, type: 'saved_messages' }), 'Saved Messages');
    assert.equal(chatDisplayTitle({ id: 1, type: 'replies' }), 'Replies');
    assert.equal(chatDisplayTitle({ id: 1, type: 'verification_codes' }), 'Verification Codes');
    assert.equal(chatDisplayTitle({ id: 7, type: 'personal_chat', name: null }), 'Deleted Account');
    assert.equal(chatDisplayTitle({ id: 7, type: 'private_group', name: '  ' }), 'Chat 7');
    assert.equal(chatDisplayTitle({ id: 7, type: 'private_group', name: 'Book Club' }), 'Book Club');
  });

  it('chatFolderName is a safe single segment, with the chat id as fallback', () => {
    assert.equal(chatFolderName('../CON: <Design|Review> #1 [draft]?. ', 4), '_CON_ _Design_Review_ _1 _draft__');
    assert.equal(chatFolderName('...', 4), 'Chat 4');
    assert.equal(chatFolderName('Makers Forum', 4), 'Makers Forum');
  });

  it('noteFileName adds the month and ".md", keeping the month through truncation', () => {
    assert.equal(noteFileName('Makers Forum'), 'Makers Forum.md');
    assert.equal(noteFileName('Makers Forum', '2024-03'), 'Makers Forum 2024-03.md');
    const long = noteFileName('x'.repeat(500), '2024-03');
    assert.ok(long.endsWith(' 2024-03.md'));
    assert.ok(Buffer.byteLength(long) <= 255);
    assert.throws(() => noteFileName('x', '2024-13'));
    assert.equal(noteFileName('CON'), 'CON_.md');
  });

  it('monthKeyOf reads the export date as written (local time)', () => {
    assert.equal(monthKeyOf('2024-03-31T23:59:59'), '2024-03');
    assert.equal(monthKeyOf('garbage'), undefined);
    assert.equal(monthKeyOf(undefined), undefined);
  });

  it('attachmentFileName keeps the extension', () => {
    assert.equal(attachmentFileName('photo_1@01-03-2024_18-41-04.jpg'), 'photo_1@01-03-2024_18-41-04.jpg');
    assert.equal(attachmentFileName('../../etc/evil.SH'), '_.._etc_evil.sh');
    assert.equal(attachmentFileName('plan (1).pdf'), 'plan (1).pdf');
  });
});
