// Runs in VS Code's Markdown preview (contributes.markdown.previewScripts).
//
// A link to a block in another note ("../Chat/Chat.md#m42", made by client/preview/) opens that
// note in the preview, but VS Code scrolls only to fragments it finds in the note's source
// (headings, HTML ids); message blocks get their ids from the preview plugin, so it opens the
// note at the top. This remembers the clicked block across the preview's reload and shows it.
/* global window, document, URL, Element */
(() => {
  const KEY = 'vaultArchiver.pendingBlock';
  const TTL_MS = 15000;
  let store;
  try {
    store = window.sessionStorage;
  } catch {
    return;
  }

  const pathOf = (url) => {
    try {
      return decodeURIComponent(new URL(url, document.baseURI).pathname);
    } catch {
      return undefined;
    }
  };

  document.addEventListener(
    'click',
    (event) => {
      const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
      const href = link ? link.getAttribute('href') : '';
      const hash = href.indexOf('#');
      // only links to another document, relative like the ones the plugin writes
      if (hash <= 0 || /^[a-z][a-z0-9+.-]*:/i.test(href)) return;
      const file = pathOf(href.slice(0, hash));
      let id;
      try {
        id = decodeURIComponent(href.slice(hash + 1));
      } catch {
        return;
      }
      if (file && id) store.setItem(KEY, JSON.stringify({ file, id, at: Date.now() }));
    },
    true,
  );

  const reveal = () => {
    const raw = store.getItem(KEY);
    if (!raw) return;
    let pending;
    try {
      pending = JSON.parse(raw);
    } catch {
      pending = undefined;
    }
    if (!pending || Date.now() - pending.at > TTL_MS) {
      store.removeItem(KEY);
      return;
    }
    // the preview's <base> is the document it shows
    if (pathOf(document.baseURI) !== pending.file) return;
    store.removeItem(KEY);
    const block = document.getElementById(pending.id);
    if (block) block.scrollIntoView();
  };

  // after images have loaded (they move what is below them), and on in-place content updates
  if (document.readyState === 'complete') reveal();
  else window.addEventListener('load', reveal);
  window.addEventListener('vscode.markdown.updateContent', reveal);
})();
