import assert from 'node:assert/strict';
import { defaultSettings } from '../../shared/types';

describe('shared defaults', () => {
  it('keeps the vault in Archive/ by default', () => {
    assert.equal(defaultSettings.vaultFolder, 'Archive');
  });
});
