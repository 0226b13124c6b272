import type { SessionRepository, StoredSession } from '@sluice/engine';
import type { Guard } from './guard.js';

/** Past this many sessions, expired ones are swept before the next is stored. */
const SWEEP_ABOVE = 1000;

/** Login sessions in process: each ends when unused for its idle time or at its absolute expiry. */
export function createSessionStore(guard: Guard, now: () => number = Date.now): SessionRepository {
  const sessions = new Map<string, { session: StoredSession; idleUntil: number }>();
  const live = (id: string, at: number): StoredSession | undefined => {
    const entry = sessions.get(id);
    if (!entry) return undefined;
    if (at >= entry.idleUntil || at >= entry.session.expiresAt) {
      sessions.delete(id);
      return undefined;
    }
    return entry.session;
  };
  return {
    async create(id, session, idleMs) {
      guard.check();
      const at = now();
      if (sessions.size >= SWEEP_ABOVE) for (const key of [...sessions.keys()]) live(key, at);
      sessions.set(id, { session: { ...session }, idleUntil: at + idleMs });
    },
    async touch(id, idleMs) {
      guard.check();
      const at = now();
      const session = live(id, at);
      if (!session) return undefined;
      sessions.set(id, { session, idleUntil: at + idleMs });
      return { ...session };
    },
    async delete(id) {
      guard.check();
      const existed = live(id, now()) !== undefined;
      sessions.delete(id);
      return existed;
    },
  };
}
