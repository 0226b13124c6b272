import { afterAll, describe, expect, it, vi } from 'vitest';
import { newState, type Execution, type ScheduleSpec, type ScheduleTickEvent } from '@sluice/engine';
import { aFlowToSave, aLogEntry, anExecution } from '@sluice/runtime-contract';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { createSqliteRuntime, DATABASE_FILE } from './index.js';
import { tempDirs } from './test-support.js';

const dirs = tempDirs('restart');
afterAll(() => dirs.cleanup());

const terminated = (execution: Execution): Execution => ({ ...execution, state: newState('SUCCESS') });

/** A schedule ticking every `everyMs`, aligned on multiples of it. */
function every(everyMs: number, version = 'v1'): ScheduleSpec {
  return {
    id: 'main/company.team/hello/every',
    flowKey: { tenantId: 'main', namespace: 'company.team', id: 'hello' },
    triggerId: 'every',
    revision: 1,
    version,
    next: (after) => new Date((Math.floor(after.getTime() / everyMs) + 1) * everyMs),
  };
}

describe('the SQLite runtime across a restart', () => {
  it('keeps flows with their revisions, executions and their logs', async () => {
    const dir = dirs.next();
    const first = createSqliteRuntime({ dir });
    await first.flows.save(aFlowToSave());
    await first.flows.save(aFlowToSave({ description: 'changed', source: 'id: hello\n# 2\n' }));
    const execution = anExecution();
    await first.executions.create(execution);
    const finished = terminated(execution);
    await first.executions.save(finished, { logs: [aLogEntry(execution.id)] });
    await first.close();

    const second = createSqliteRuntime({ dir });
    try {
      const key = { tenantId: 'main', namespace: 'company.team', id: 'hello' };
      expect((await second.flows.get(key))?.revision).toBe(2);
      expect((await second.flows.revisions(key)).map((r) => r.description)).toEqual(['Says hello', 'changed']);
      expect(await second.executions.get(execution.id)).toEqual(finished);
      expect((await second.logs.list(execution.id)).map((l) => l.message)).toEqual(['hello wörld']);
      // A new epoch: a token read before the restart never equals one read after it.
      expect(await second.flows.version('main')).not.toBe(await first.flows.version('main').catch(() => 'closed'));
    } finally {
      await second.close();
    }
  });

  it('keeps a job queued for a date across a restart: not waiting before its date, delivered at it', async () => {
    const dir = dirs.next();
    const first = createSqliteRuntime({ dir });
    const [soon, past] = [anExecution(), anExecution()];
    const at = new Date(Date.now() + 500);
    await first.queue.enqueue(soon.id, { at });
    await first.queue.enqueue(past.id, { at: new Date(Date.now() + 100) });
    await first.close();
    // The second is due by the time the file is opened again: it runs at once.
    await new Promise((resolve) => setTimeout(resolve, 150));

    const second = createSqliteRuntime({ dir });
    try {
      const delivered: { id: string; at: number }[] = [];
      second.queue.consume(async (id) => {
        delivered.push({ id, at: Date.now() });
      }, { concurrency: 1 });
      await vi.waitFor(() => expect(delivered.map((d) => d.id)).toEqual([past.id, soon.id]), { timeout: 5000 });
      expect(delivered[1]!.at).toBeGreaterThanOrEqual(at.getTime());
    } finally {
      await second.close();
    }
  });

  it('delivers again, in order, the jobs that were waiting and those that were running when the process stopped', async () => {
    const dir = dirs.next();
    const first = createSqliteRuntime({ dir });
    const [running, queuedA, queuedB, done] = [anExecution(), anExecution(), anExecution(), anExecution()];
    await first.submit(done);
    await first.submit(running);
    const started: string[] = [];
    const consumer = first.queue.consume(async (id, signal) => {
      started.push(id);
      if (id === done.id) return;
      // Never ends by itself: the process "dies" with it running.
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
    }, { concurrency: 2 });
    await vi.waitFor(() => expect(started).toEqual([done.id, running.id]));
    await first.submit(queuedA);
    await first.submit(queuedB);
    // What a SIGKILL leaves: the file as committed. Closing with no grace aborts the handler
    // without running anything more; the rows are what a killed process leaves as well.
    await consumer.close(0);
    await first.close();

    const second = createSqliteRuntime({ dir });
    try {
      expect(await second.queue.counts()).toMatchObject({ waiting: 3, active: 0 });
      const delivered: string[] = [];
      second.queue.consume(async (id) => {
        delivered.push(id);
      }, { concurrency: 1 });
      await vi.waitFor(() => expect(delivered).toEqual([running.id, queuedA.id, queuedB.id]));
      await vi.waitFor(async () => expect(await second.queue.counts()).toMatchObject({ waiting: 0, active: 0, completed: 3 }));
    } finally {
      await second.close();
    }
    // Finished jobs are gone from the file: a third start delivers nothing.
    const third = createSqliteRuntime({ dir });
    try {
      expect(await third.queue.counts()).toMatchObject({ waiting: 0 });
    } finally {
      await third.close();
    }
  });

  it('keeps a schedule\'s chain: the ticks due while it was down are delivered late, in order, none twice', async () => {
    const dir = dirs.next();
    const first = createSqliteRuntime({ dir });
    const ticks: ScheduleTickEvent[] = [];
    await first.schedules.upsert(every(200));
    const consumer = first.schedules.consume(async (tick) => {
      ticks.push(tick);
    });
    await vi.waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(2), { timeout: 5000 });
    await consumer.close(1000);
    await first.close();
    const last = ticks.at(-1)!.date.getTime();
    const stoppedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 700));

    const second = createSqliteRuntime({ dir });
    try {
      expect((await second.schedules.list()).map((s) => s.next?.getTime())).toEqual([last + 200]);
      const later: ScheduleTickEvent[] = [];
      await second.schedules.upsert(every(200));
      second.schedules.consume(async (tick) => {
        later.push(tick);
      });
      await vi.waitFor(() => expect(later.filter((t) => t.date.getTime() > stoppedAt + 700).length).toBeGreaterThanOrEqual(1), { timeout: 5000 });
      const dates = later.map((t) => t.date.getTime());
      // The first tick after the last one delivered, then every one after it: none lost, none doubled.
      expect(dates[0]).toBe(last + 200);
      dates.forEach((date, i) => i > 0 && expect(date - dates[i - 1]!).toBe(200));
    } finally {
      await second.close();
    }
  });

  it('keeps login sessions across a restart, and the sweep deletes the ended ones', async () => {
    const dir = dirs.next();
    const first = createSqliteRuntime({ dir });
    const session = { username: 'admin', csrfToken: 'csrf', createdAt: Date.now(), expiresAt: Date.now() + 3_600_000 };
    await first.sessions.create('kept', session, 3_600_000);
    await first.sessions.create('ending', { ...session, expiresAt: Date.now() + 50 }, 3_600_000);
    await first.close();
    const second = createSqliteRuntime({ dir });
    try {
      expect(await second.sessions.touch('kept', 3_600_000)).toEqual(session);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await second.sweep();
      expect(await second.sessions.touch('ending', 3_600_000)).toBeUndefined();
      expect(await second.sessions.delete('ending')).toBe(false);
    } finally {
      await second.close();
    }
    const db = new BetterSqlite3(join(dir, DATABASE_FILE), { readonly: true });
    expect(db.prepare('SELECT id FROM sessions').pluck().all()).toEqual(['kept']);
    db.close();
  });

  it('keeps a removal across a restart: an older revision upserted after it stays removed', async () => {
    const dir = dirs.next();
    const first = createSqliteRuntime({ dir });
    await first.schedules.upsert(every(1000));
    await first.schedules.remove(every(1000).id, 1);
    await first.close();
    const second = createSqliteRuntime({ dir });
    try {
      await second.schedules.upsert(every(1000));
      expect(await second.schedules.list()).toEqual([]);
    } finally {
      await second.close();
    }
  });
});
