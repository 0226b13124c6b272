import type { SessionRepository, StoredSession } from '@sluice/engine';
import type { RedisStore } from './connection.js';
import type { Keys } from './keys.js';

/**
 * Login sessions in Redis: one string per session holding its JSON, under the id the host
 * derived from the token (never the token), with a time to live that is the idle time, capped by
 * the absolute expiry. `touch` restarts it with GETEX in one round trip; the absolute expiry is
 * checked on every read, so a session is never returned past it whatever its TTL.
 */
export function createSessionRepository(store: RedisStore, keys: Keys): SessionRepository {
  const ttl = (session: StoredSession, idleMs: number): number => Math.min(idleMs, session.expiresAt - Date.now());
  return {
    async create(id, session, idleMs) {
      const ms = ttl(session, idleMs);
      // Already over: nothing to keep, and a later touch finds nothing, as it should.
      if (ms <= 0) return;
      await store.run('create session', (client) => client.set(keys.session(id), JSON.stringify(session), 'PX', ms));
    },
    async touch(id, idleMs) {
      const key = keys.session(id);
      const text = await store.run('touch session', (client) => client.getex(key, 'PX', idleMs));
      if (text === null) return undefined;
      const session = JSON.parse(text) as StoredSession;
      const ms = ttl(session, idleMs);
      if (ms <= 0) {
        await store.run('end session', (client) => client.del(key));
        return undefined;
      }
      // Near its absolute expiry: the key goes when the session does, not an idle time later.
      if (ms < idleMs) await store.run('cap session', (client) => client.pexpire(key, ms));
      return session;
    },
    async delete(id) {
      return (await store.run('delete session', (client) => client.del(keys.session(id)))) > 0;
    },
  };
}
