/** Navigation in a vault's notes (outline, links, references, hovers, symbols): see navigator.ts. */
export { NotesNavigator, type NavLink, type NavLocation, type NavRange, type NotesNavigatorOptions, type OpenDocument } from './navigator';
export type { OutlineItem, OutlineKind } from './outline';
export type { VaultSymbol, VaultSymbolKind } from './vaultSymbols';
export type { NavFs } from './vaultFiles';
