/**
 * Quotes one word for a POSIX shell: single quotes keep everything literal (`$`, backticks,
 * `\`, newlines, any Unicode), and a single quote itself is closed, escaped and reopened.
 * A word of only safe characters stays bare so commands read naturally.
 */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A shell word built from literal parts and environment variables, e.g. a URL ending in `$WEBHOOK_KEY`. */
export type WordPart = string | { readonly env: string };

/** Quotes a word made of parts: literals single-quoted, variables in double quotes so they expand. */
export function shellWord(parts: readonly WordPart[]): string {
  // Adjacent literals are quoted as one, so a URL and its query read as one quoted string.
  const merged: WordPart[] = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if (typeof part === 'string' && typeof last === 'string') merged[merged.length - 1] = last + part;
    else if (part !== '') merged.push(part);
  }
  return merged.map((p) => (typeof p === 'string' ? shellQuote(p) : `"$${p.env}"`)).join('');
}
