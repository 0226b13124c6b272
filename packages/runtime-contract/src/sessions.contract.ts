import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StoredSession } from '@sluice/engine';
import { sleep, type ContractContext } from './harness.js';

const HOUR = 3_600_000;
const anId = (): string => randomBytes(32).toString('hex');
const aSession = (overrides: Partial<StoredSession> = {}): StoredSession => ({
  username: 'admin', csrfToken: randomBytes(32).toString('base64url'), createdAt: Date.now(), expiresAt: Date.now() + HOUR, ...overrides,
});

/** SessionRepository: stored and read back, idle and absolute expiry, deletion seen everywhere. */
export function describeSessionRepository(ctx: ContractContext): void {
  describe('sessions', () => {
    it('returns a stored session by its id, and nothing for an unknown id', async () => {
      const [id, session] = [anId(), aSession()];
      await ctx.runtime.sessions.create(id, session, HOUR);
      expect(await ctx.runtime.sessions.touch(id, HOUR)).toEqual(session);
      expect(await ctx.runtime.sessions.touch(anId(), HOUR)).toBeUndefined();
    });

    it('deletes a session once: later reads find nothing', async () => {
      const id = anId();
      await ctx.runtime.sessions.create(id, aSession(), HOUR);
      expect(await ctx.runtime.sessions.delete(id)).toBe(true);
      expect(await ctx.runtime.sessions.touch(id, HOUR)).toBeUndefined();
      expect(await ctx.runtime.sessions.delete(id)).toBe(false);
    });

    it('ends a session left unused for its idle time, and keeps one in use alive past it', async () => {
      const idleMs = 1500;
      const [unused, used] = [anId(), anId()];
      await ctx.runtime.sessions.create(unused, aSession(), idleMs);
      await ctx.runtime.sessions.create(used, aSession(), idleMs);
      // Used every fifth of the idle time for longer than the idle time: still alive. (Wide
      // margins: a touch may come late on a busy machine.)
      for (let i = 0; i < 6; i++) {
        await sleep(idleMs / 5);
        expect(await ctx.runtime.sessions.touch(used, idleMs)).toBeDefined();
      }
      expect(await ctx.runtime.sessions.touch(unused, idleMs)).toBeUndefined();
    });

    it('ends a session at its absolute expiry however recently it was used', async () => {
      const id = anId();
      await ctx.runtime.sessions.create(id, aSession({ expiresAt: Date.now() + 400 }), HOUR);
      expect(await ctx.runtime.sessions.touch(id, HOUR)).toBeDefined();
      await sleep(500);
      expect(await ctx.runtime.sessions.touch(id, HOUR)).toBeUndefined();
      // Created already past its expiry: never returned.
      const late = anId();
      await ctx.runtime.sessions.create(late, aSession({ expiresAt: Date.now() - 1 }), HOUR);
      expect(await ctx.runtime.sessions.touch(late, HOUR)).toBeUndefined();
    });

    it('shares sessions between instances on one store: created on one, read and deleted on the other', async () => {
      if (!ctx.options.sharedStore) return;
      const other = await ctx.another();
      const [id, session] = [anId(), aSession()];
      await ctx.runtime.sessions.create(id, session, HOUR);
      expect(await other.sessions.touch(id, HOUR)).toEqual(session);
      expect(await other.sessions.delete(id)).toBe(true);
      expect(await ctx.runtime.sessions.touch(id, HOUR)).toBeUndefined();
    });
  });
}
