import { engineErrors } from '../errors.js';

/**
 * Where secrets come from: a function from a secret's name to its value, or `undefined` when
 * the host has no such secret. Kept a plain function so a test can pass `(n) => map[n]` and a
 * host can put a vault behind it without the engine knowing.
 */
export type SecretProvider = (name: string) => string | undefined;

const ENV_PREFIX = 'SECRET_';
// Standard and URL-safe base64 alphabets; padding optional, as shell tools differ on it.
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Kestra's open-source convention: the environment variable `SECRET_<NAME>` holds the value of
 * secret `<NAME>`, base64-encoded, and the name is upper-cased first, as Kestra's
 * `SecretService` does: `secret('my_key')` reads `SECRET_MY_KEY`. The value is decoded on every read (the environment may be
 * changed by tests) and trailing newlines are trimmed: `echo "x" | base64` encodes the newline,
 * and in Kestra that newline once made every webhook key read from a secret fail to match
 * (Kestra issue #1856).
 *
 * Throws `SECRET_INVALID_ENCODING` when the variable exists but is not
 * base64, rather than returning bytes nobody meant.
 */
export function envSecrets(env: NodeJS.ProcessEnv = process.env): SecretProvider {
  return (name) => {
    const variable = `${ENV_PREFIX}${name.toUpperCase()}`;
    const raw = env[variable];
    if (raw === undefined) return undefined;
    // Line-wrapped base64 (as `base64` prints past 76 columns) is still base64.
    const compact = raw.replace(/\s+/g, '');
    if (!BASE64.test(compact)) {
      throw engineErrors.SECRET_INVALID_ENCODING(name, variable, { details: { name, variable } });
    }
    return Buffer.from(compact, 'base64').toString('utf8').replace(/[\r\n]+$/, '');
  };
}

/**
 * Every secret value of the environment (each `SECRET_<NAME>`, decoded as {@link envSecrets}
 * reads it; one that is not base64 is left out, as it cannot be read either): what API answers
 * mask wherever it appears.
 */
export function envSecretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  const read = envSecrets(env);
  const values: string[] = [];
  for (const key of Object.keys(env)) {
    if (!key.startsWith(ENV_PREFIX)) continue;
    try {
      const value = read(key.slice(ENV_PREFIX.length));
      if (value !== undefined) values.push(value);
    } catch {
      // Not base64: secret() fails on it too, so no task can have passed it on.
    }
  }
  return values;
}

/** A provider that reads from a plain map, for tests and embedding. */
export function mapSecrets(values: Readonly<Record<string, string>>): SecretProvider {
  return (name) => (Object.hasOwn(values, name) ? values[name] : undefined);
}

/** What a value is replaced with in stored log lines. */
export const SECRET_MASK = '******';

// Shorter values would mask ordinary words and digits ("1", "yes") all over the logs.
const MIN_MASKED_LENGTH = 4;

/**
 * Replaces every occurrence of each secret value (at least 4 characters long) in `text` with
 * `******`. Longer values are replaced first, so a secret that contains another is masked
 * whole instead of leaving a tail in clear.
 */
export function maskSecrets(text: string, secrets: Iterable<string>): string {
  const values = [...new Set(secrets)].filter((s) => s.length >= MIN_MASKED_LENGTH).sort((a, b) => b.length - a.length);
  let out = text;
  for (const value of values) {
    if (out.includes(value)) out = out.split(value).join(SECRET_MASK);
  }
  return out;
}
