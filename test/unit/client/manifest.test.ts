import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FEATURES, featureContextKey, type FeatureName } from '../../../shared/features';

/** The commands of each feature that may not work yet. */
const COMMANDS_OF: Record<FeatureName, string[]> = {
  liveTelegram: ['vaultArchiver.addTelegramChat', 'vaultArchiver.signInTelegram', 'vaultArchiver.signOutTelegram'],
  youtube: ['vaultArchiver.addYouTubeChannel', 'vaultArchiver.setYouTubeApiKey', 'vaultArchiver.setSheetsCredentials', 'vaultArchiver.mirrorToSheet'],
  search: ['vaultArchiver.searchArchive'],
};

interface MenuEntry {
  command: string;
  when?: string;
}

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));
const menus: Record<string, MenuEntry[]> = manifest.contributes.menus;
const welcome: { contents: string; when?: string }[] = manifest.contributes.viewsWelcome;

describe('package.json offers only what works', () => {
  for (const [feature, commands] of Object.entries(COMMANDS_OF) as [FeatureName, string[]][]) {
    const key = featureContextKey(feature);
    for (const command of commands) {
      it(`${command} is offered only under ${key} (now ${FEATURES[feature]})`, () => {
        const palette = menus.commandPalette.find((e) => e.command === command);
        assert.ok(palette?.when?.includes(key), `${command} shows in the palette whatever ${key} says`);
        for (const [menu, entries] of Object.entries(menus)) {
          for (const e of entries.filter((x) => x.command === command)) assert.ok(e.when?.includes(key), `${menu} offers ${command} without ${key}`);
        }
        for (const w of welcome.filter((x) => x.contents.includes(`command:${command}`))) {
          assert.ok(w.when?.includes(key), `the welcome view offers ${command} without ${key}`);
        }
      });
    }
  }

  it('the welcome view says what is coming while a feature is off, and only then', () => {
    const coming = welcome.filter((w) => /Coming next/.test(w.contents));
    const someOff = (Object.keys(FEATURES) as FeatureName[]).some((f) => !FEATURES[f]);
    if (someOff) assert.ok(coming.length, 'a feature is off and no "Coming next" line says so');
    const names: Record<FeatureName, RegExp> = { liveTelegram: /live Telegram sync/, youtube: /YouTube/, search: /[Ss]earch/ };
    for (const w of coming) {
      for (const feature of Object.keys(FEATURES) as FeatureName[]) {
        const key = featureContextKey(feature);
        // A line naming a feature as coming is shown only while that feature is off.
        if (names[feature].test(w.contents)) assert.ok(w.when?.includes(`!${key}`), `"${w.contents}" names ${feature} without !${key}`);
      }
    }
  });

  it('Sync is offered on sources a sync can update only', () => {
    const inline = menus['view/item/context'].filter((e) => e.command === 'vaultArchiver.syncSource');
    assert.ok(inline.length && inline.every((e) => e.when?.includes('.live$')), JSON.stringify(inline));
    for (const id of ['vaultArchiver.syncAll', 'vaultArchiver.syncSource']) {
      assert.ok(menus.commandPalette.find((e) => e.command === id)?.when?.includes('vaultArchiver.canSync'), `${id} in the palette`);
    }
  });
});
