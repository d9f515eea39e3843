// Writes dist/README.md, the README that goes into the .vsix and that VS Code shows on the
// extension's page. That page resolves no repository-relative path, loads images from https:
// only (its sanitizer also strips data: URIs: the UI test saw an embedded picture come out
// blank), and this project has no public web address yet to point links at. So pictures of
// the repository are left out of the packaged README, and links to its files become plain
// text naming the file. Links to https: pages and to headings of the README stay as they are.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const source = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

const isRelative = (target) => !/^([a-z][a-z0-9+.-]*:|#)/i.test(target);

const out = source
  .replace(/!\[([^\]]*)\]\(([^)\s]+)\)\n\n?/g, (whole, _alt, target) => (isRelative(target) ? '' : whole))
  .replace(/(?<!!)\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, text, target) =>
    isRelative(target) ? `${text} (\`${target}\` in the source repository)` : whole,
  );

fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
fs.writeFileSync(path.join(root, 'dist', 'README.md'), out);
console.log(`dist/README.md: ${out.length} characters`);
