import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Checks a user name and password. */
export interface Credentials {
  readonly username: string;
  verify(username: string, password: string): boolean;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
const equal = (a: string, b: string): boolean => timingSafeEqual(sha256(a), sha256(b));

/** Credentials given in the configuration; compared in constant time. */
export function configuredCredentials(username: string, password: string): Credentials {
  return { username, verify: (u, p) => equal(u, username) && equal(p, password) };
}

interface StoredHash {
  readonly username: string;
  readonly salt: string;
  readonly hash: string;
}

/**
 * With no credentials configured, the first start creates a strong password, hands it back
 * once to be printed, and keeps only a salted scrypt hash in the data folder. Later starts
 * reuse the hash and print nothing secret.
 */
export function generatedCredentials(dataDir: string): { credentials: Credentials; created?: { username: string; password: string }; file: string } {
  const file = join(dataDir, 'credentials.json');
  let stored: StoredHash | undefined;
  let created: { username: string; password: string } | undefined;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as StoredHash;
  } catch {
    const password = randomBytes(18).toString('base64url');
    const salt = randomBytes(16);
    stored = { username: 'admin', salt: salt.toString('base64'), hash: scryptSync(password, salt, 32).toString('base64') };
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(stored)}\n`, { mode: 0o600 });
    created = { username: stored.username, password };
  }
  const { username, salt, hash } = stored;
  const expected = Buffer.from(hash, 'base64');
  // scrypt is slow on purpose; remember the digests of credentials already proven good so an
  // authenticated client pays it once, not per request.
  const proven = new Set<string>();
  const verify = (u: string, p: string): boolean => {
    const token = sha256(`${u}\u0000${p}`).toString('base64');
    if (proven.has(token)) return true;
    const ok = equal(u, username) && timingSafeEqual(scryptSync(p, Buffer.from(salt, 'base64'), 32), expected);
    if (ok && proven.size < 100) proven.add(token);
    return ok;
  };
  return { credentials: { username, verify }, ...(created ? { created } : {}), file };
}
