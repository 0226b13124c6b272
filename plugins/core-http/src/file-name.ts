/**
 * Names for downloaded files. Every candidate is reduced to its last path segment and checked
 * against what internal storage accepts; the host checks it again.
 */

const plain = (name: string | undefined): string | undefined => {
  if (name === undefined) return undefined;
  const last = name.split(/[/\\]/).pop()?.trim() ?? '';
  // eslint-disable-next-line no-control-regex
  if (last === '' || last === '.' || last === '..' || /[\u0000-\u001f\u007f]/.test(last) || Buffer.byteLength(last) > 200) return undefined;
  return last;
};

/**
 * The file name a Content-Disposition header gives, as Kestra reads it: `filename*=UTF-8''...`
 * (RFC 5987) over `filename=...`, quotes removed, any folder part dropped. Undefined when it
 * gives none.
 */
export function nameFromDisposition(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  let found: string | undefined;
  for (const part of header.split(';').map((p) => p.trim())) {
    const extended = /^filename\*\s*=\s*([^']*)'[^']*'(.*)$/i.exec(part);
    if (extended) {
      try {
        found = decodeURIComponent((extended[2] ?? '').replace(/^"|"$/g, ''));
      } catch {
        // A malformed escape: keep what filename= gave.
      }
      continue;
    }
    const simple = /^filename\s*=\s*(.*)$/i.exec(part);
    if (simple && found === undefined) found = (simple[1] ?? '').replace(/^"|"$/g, '');
  }
  return plain(found);
}

/** The last segment of the URL's path (`orders.csv`), decoded, when it is a usable name. */
export function nameFromUrl(url: URL): string | undefined {
  const last = url.pathname.split('/').pop() ?? '';
  try {
    return plain(decodeURIComponent(last));
  } catch {
    return undefined;
  }
}
