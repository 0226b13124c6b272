import { createMemoryRuntime } from '@sluice/runtime-memory';
import { describe, expect, it } from 'vitest';
import { createSessions, sessionId } from './sessions.js';

describe('sessions', () => {
  const runtime = createMemoryRuntime();

  it('opens a session with a 256-bit token and a CSRF token, found by the token, ended by it', async () => {
    // The store keeps real time; this clock moves within its idle time.
    const start = Date.now();
    let now = start;
    const sessions = createSessions(runtime.sessions, { idleMs: 1000, maxMs: 5000 }, () => now);
    const { token, session } = await sessions.open('admin');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(session).toEqual({ username: 'admin', csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresAt: now + 1000 });
    now += 500;
    // The idle expiry moves with use, but never past the absolute one.
    expect(await sessions.find(token)).toEqual({ ...session, expiresAt: now + 1000 });
    now = start + 4500;
    expect((await sessions.find(token))?.expiresAt).toBe(start + 5000);
    expect(await sessions.close(token)).toBe(true);
    expect(await sessions.find(token)).toBeUndefined();
  });

  it('stores the session under the hash of its token, never the token', async () => {
    const seen: string[] = [];
    const store = {
      create: async (id: string, session: object) => void seen.push(id, JSON.stringify(session)),
      touch: async () => undefined,
      delete: async () => false,
    };
    const { token } = await createSessions(store, { idleMs: 1000, maxMs: 5000 }).open('admin');
    expect(seen[0]).toBe(sessionId(token));
    expect(seen.join(' ')).not.toContain(token);
  });

  it('answers tokens of another shape without asking the store', async () => {
    let asked = 0;
    const store = { create: async () => undefined, touch: async () => void asked++, delete: async () => (asked++, true) };
    const sessions = createSessions(store, { idleMs: 1000, maxMs: 5000 });
    for (const token of ['', 'short', 'x'.repeat(44), `${'a'.repeat(42)}=`]) {
      expect(await sessions.find(token)).toBeUndefined();
      expect(await sessions.close(token)).toBe(false);
    }
    expect(asked).toBe(0);
  });
});
