import { createHash, randomBytes } from 'node:crypto';
import type { SessionRepository } from '@sluice/engine';

/** A live session as the HTTP layer sees it. */
export interface Session {
  readonly username: string;
  readonly csrfToken: string;
  /** Epoch ms when it ends if left unused from now: the idle expiry, capped by the absolute one. */
  readonly expiresAt: number;
}

/** Opens, finds and ends the login sessions of people, kept in the runtime's store. */
export interface Sessions {
  /** A new session for `username`, with the token to hand to the browser (and nowhere else). */
  open(username: string): Promise<{ readonly token: string; readonly session: Session }>;
  /** The live session of `token`, its idle time restarted; undefined for any other token. */
  find(token: string): Promise<Session | undefined>;
  /** Ends the session of `token` everywhere; false when there was none. */
  close(token: string): Promise<boolean>;
}

export interface SessionOptions {
  readonly idleMs: number;
  readonly maxMs: number;
}

/** 256 random bits, base64url without padding. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The id a session is stored under: the SHA-256 of its token. A token is 256 random bits, so a
 * plain hash is enough (no salt, no slow hash: nothing to guess), and a copy of the store holds
 * no usable token.
 */
export function sessionId(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function createSessions(store: SessionRepository, options: SessionOptions, now: () => number = Date.now): Sessions {
  const expiry = (absolute: number): number => Math.min(now() + options.idleMs, absolute);
  return {
    async open(username) {
      const token = randomBytes(32).toString('base64url');
      const createdAt = now();
      const stored = { username, csrfToken: randomBytes(32).toString('base64url'), createdAt, expiresAt: createdAt + options.maxMs };
      await store.create(sessionId(token), stored, options.idleMs);
      return { token, session: { username, csrfToken: stored.csrfToken, expiresAt: expiry(stored.expiresAt) } };
    },
    async find(token) {
      // Anything but a token of ours costs no round trip to the store.
      if (!TOKEN.test(token)) return undefined;
      const stored = await store.touch(sessionId(token), options.idleMs);
      return stored && { username: stored.username, csrfToken: stored.csrfToken, expiresAt: expiry(stored.expiresAt) };
    },
    async close(token) {
      if (!TOKEN.test(token)) return false;
      return store.delete(sessionId(token));
    },
  };
}
