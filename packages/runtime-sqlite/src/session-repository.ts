import type { Database } from 'better-sqlite3';
import type { SessionRepository, StoredSession } from '@sluice/engine';
import type { GroupCommit } from './group-commit.js';
import { reading, type Guard } from './guard.js';

/** The repository, plus the sweep the retention runs. */
export interface SqliteSessionRepository extends SessionRepository {
  /** Deletes the sessions past their idle time or expiry, in the current transaction. */
  sweep(now: number): void;
}

/**
 * Login sessions, one row each: the session's JSON, when it ends unless used, when it ends
 * anyway. A read checks both, so an ended session is never returned; the retention's sweep
 * deletes the ended rows.
 */
export function createSessionRepository(db: Database, writes: GroupCommit, guard: Guard, now: () => number = Date.now): SqliteSessionRepository {
  const insertStmt = db.prepare('INSERT INTO sessions (id, json, idle_until, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json, idle_until = excluded.idle_until, expires_at = excluded.expires_at');
  const getStmt = db.prepare('SELECT json, idle_until AS idleUntil, expires_at AS expiresAt FROM sessions WHERE id = ?');
  const touchStmt = db.prepare('UPDATE sessions SET idle_until = ? WHERE id = ? AND idle_until > ? AND expires_at > ?');
  const deleteStmt = db.prepare('DELETE FROM sessions WHERE id = ?');
  const sweepStmt = db.prepare('DELETE FROM sessions WHERE idle_until <= ? OR expires_at <= ?');

  const live = (id: string, at: number): StoredSession | undefined => {
    const row = getStmt.get(id) as { json: string; idleUntil: number; expiresAt: number } | undefined;
    return row && at < row.idleUntil && at < row.expiresAt ? (JSON.parse(row.json) as StoredSession) : undefined;
  };

  return {
    async create(id, session, idleMs) {
      guard.check();
      const at = now();
      const json = JSON.stringify(session);
      await writes.write(() => {
        insertStmt.run(id, json, at + idleMs, session.expiresAt);
      });
    },
    async touch(id, idleMs) {
      const at = now();
      const session = reading(guard, 'read a session', () => live(id, at));
      if (!session) return undefined;
      // Restarted only if still alive when the write runs: a delete in between wins.
      const restarted = await writes.write(() => touchStmt.run(at + idleMs, id, at, at).changes > 0);
      return restarted ? session : undefined;
    },
    async delete(id) {
      guard.check();
      const at = now();
      return writes.write(() => {
        const existed = live(id, at) !== undefined;
        deleteStmt.run(id);
        return existed;
      });
    },
    sweep(at) {
      sweepStmt.run(at, at);
    },
  };
}
