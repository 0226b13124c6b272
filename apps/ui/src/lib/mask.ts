/** Shows the first characters of a long key only, enough to tell keys apart (as the server masks). */
export function maskKey(key: string): string {
  return key.length >= 12 ? `${key.slice(0, 3)}${'*'.repeat(6)}` : '******';
}

/** The placeholder that stands for a webhook key the UI must not show. */
export const MASK = '******';

/**
 * Replaces every occurrence of `secret` in `text` by its mask, for showing a command or URL
 * that holds a key while copying the real one.
 */
export function maskIn(text: string, secret: string | undefined): string {
  if (!secret) return text;
  const masked = maskKey(secret);
  return text.split(secret).join(masked).split(encodeURIComponent(secret)).join(masked);
}

/** The key segment of a webhook URL (`…/executions/webhook/{ns}/{flow}/{key}`), decoded. */
export function webhookKeyOf(url: string): string | undefined {
  const match = /\/executions\/webhook\/[^/]+\/[^/]+\/([^/?#]+)/.exec(url);
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
}
