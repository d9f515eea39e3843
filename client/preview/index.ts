/**
 * What `activate()` hands VS Code's Markdown preview (`contributes.markdown.markdownItPlugins`):
 * the Obsidian plugin, told where each document's vault starts.
 */
import type MarkdownIt from 'markdown-it';
import { obsidianPreview } from './obsidian';
import { vaultDepth } from './vaultRoot';

export function extendMarkdownIt(md: MarkdownIt): MarkdownIt {
  return md.use(obsidianPreview, { vaultDepth });
}
