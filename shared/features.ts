/**
 * What works today, in one place. The extension turns each flag into a context key
 * (`vaultArchiver.feature.<name>`) that package.json's menus, palette entries and welcome view
 * test, so a feature that is not ready is never offered: a user should learn that something is
 * coming when it is shown to them, not after trying it. Flip a flag in the change that makes
 * the feature work end to end.
 */
export const FEATURES = {
  /** Sign in to Telegram and sync chats live (the Telegram Desktop export import always works). */
  liveTelegram: true,
  /** Archive YouTube channels and mirror them into Google Sheets. */
  youtube: true,
  /** Search Archive (the quick pick over the worker's `archive/search` index). */
  search: true,
} as const;

export type FeatureName = keyof typeof FEATURES;

export const featureContextKey = (name: FeatureName): string => `vaultArchiver.feature.${name}`;

/** The sentence every surface uses for a feature that is not there yet. */
export const NOT_YET: Record<FeatureName, string> = {
  liveTelegram:
    'Live Telegram sync is not available yet. To archive a chat today, export it from Telegram Desktop (the chat’s ⋮ menu → Export chat history, format "Machine-readable JSON") and run "Vault Archiver: Import Telegram Desktop Export".',
  youtube: 'Archiving YouTube channels is not available yet: it is the next feature being built.',
  search: 'Searching the archive is not available yet. Ctrl+T finds chats, topics and videos by title; VS Code\'s Search (Ctrl+Shift+F) searches the notes\' text.',
};
