import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when the key of the URL equals the trigger's rendered key.
 *
 * The key is the webhook's only credential, so the comparison must not leak it through
 * timing. `timingSafeEqual` needs equal lengths, and an early length check would reveal the
 * key's length; comparing SHA-256 digests of both sides gives equal lengths whatever the input.
 * The rendered key is trimmed (Kestra trims it), the URL's is compared as given, and a blank
 * rendered key never matches anything.
 */
export function keysMatch(renderedKey: string, requestKey: string): boolean {
  const expected = renderedKey.trim();
  const same = timingSafeEqual(expectedDigest(expected), digest(requestKey));
  return same && expected !== '';
}

/**
 * Digests of the keys flows hold, kept so a request hashes only its own key. Bounded, since a
 * key rendered from a secret may change: past the bound the map starts again. The bound is well
 * above the flows one server holds (10,000 flows is the largest measured), so requests spread
 * over every flow do not keep emptying it; 100,000 digests take about 20 MB.
 */
const known = new Map<string, Buffer>();
const KNOWN_MAX = 100_000;

function expectedDigest(key: string): Buffer {
  let value = known.get(key);
  if (value === undefined) {
    if (known.size >= KNOWN_MAX) known.clear();
    value = digest(key);
    known.set(key, value);
  }
  return value;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
