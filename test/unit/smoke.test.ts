import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SETTINGS_SECTION, defaultSettings, normalizeSettings, settingSpecs, settingsFrom } from '../../shared/settings';

type Contributed = Record<string, { type: string; default: unknown; minimum?: number; maximum?: number }>;
const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Contributed } };
};

describe('settings: one table for defaults and bounds', () => {
  it('keeps the vault in Archive/ by default', () => {
    assert.equal(defaultSettings.vaultFolder, 'Archive');
  });

  it('package.json contributes exactly the settings of the table, with the same defaults and bounds', () => {
    const contributed = manifest.contributes.configuration.properties;
    const fromTable = Object.values(settingSpecs).map((s) => `${SETTINGS_SECTION}.${s.configKey}`).sort();
    assert.deepEqual(Object.keys(contributed).sort(), fromTable, 'a setting nothing reads, or one missing from package.json');
    for (const spec of Object.values(settingSpecs)) {
      const c = contributed[`${SETTINGS_SECTION}.${spec.configKey}`];
      assert.equal(c.type, spec.type, spec.configKey);
      assert.deepEqual(c.default, spec.default, spec.configKey);
      if (spec.type === 'integer') {
        assert.equal(c.minimum, spec.minimum, `${spec.configKey} minimum`);
        assert.equal(c.maximum, spec.maximum, `${spec.configKey} maximum`);
      }
    }
  });

  it('normalises what it is given: clamps numbers, trims strings, replaces wrong types by defaults', () => {
    const s = settingsFrom({ mediaConcurrency: 1000, sourceConcurrency: 0.4, vaultFolder: '  Notes ', attachmentsFolder: '   ', useHardlinks: 'yes' as unknown as boolean });
    assert.equal(s.mediaConcurrency, 64);
    assert.equal(s.sourceConcurrency, 1);
    assert.equal(s.vaultFolder, 'Notes');
    assert.equal(s.attachmentsFolder, 'attachments');
    assert.equal(s.useHardlinks, false);
    assert.deepEqual(normalizeSettings(() => undefined), defaultSettings);
  });
});
