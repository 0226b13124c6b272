import type { Database } from 'better-sqlite3';
import type { ConcurrencyLimits, FlowKey, PromotedSlot } from '@sluice/engine';
import type { Guard } from '@sluice/runtime-memory/in-process';
import type { GroupCommit } from './group-commit.js';
import { reading } from './guard.js';

/**
 * Flow `concurrency` slots in two tables (`concurrency_slots`, `concurrency_queue`, schema 7).
 * Each call reads and writes inside one write transaction, so it is one step: the file has one
 * writer, this process. The rules are the engine's `applyAcquire` and `applyRelease`, written in
 * rows so a long line costs an index lookup per call, not a rewrite of the line.
 */
export function createConcurrencyRepository(db: Database, writes: GroupCommit, guard: Guard): ConcurrencyLimits {
  const flowWhere = 'tenant_id = ? AND namespace = ? AND flow_id = ?';
  const countStmt = db.prepare(`SELECT COUNT(*) FROM concurrency_slots WHERE ${flowWhere}`).pluck();
  const slotStmt = db.prepare(`SELECT promoted_at FROM concurrency_slots WHERE ${flowWhere} AND execution_id = ?`);
  const holdStmt = db.prepare('INSERT INTO concurrency_slots (tenant_id, namespace, flow_id, execution_id, promoted_at) VALUES (?, ?, ?, ?, ?)');
  const confirmStmt = db.prepare(`UPDATE concurrency_slots SET promoted_at = NULL WHERE ${flowWhere} AND execution_id = ?`);
  const dropSlotStmt = db.prepare(`DELETE FROM concurrency_slots WHERE ${flowWhere} AND execution_id = ?`);
  const pendingStmt = db.prepare(`SELECT execution_id AS executionId, promoted_at AS queuedAt FROM concurrency_slots WHERE ${flowWhere} AND promoted_at IS NOT NULL ORDER BY promoted_at, execution_id`);
  const headStmt = db.prepare(`SELECT seq, execution_id AS executionId, lim, queued_at AS queuedAt FROM concurrency_queue WHERE ${flowWhere} ORDER BY seq LIMIT 1`);
  const inLineStmt = db.prepare(`SELECT 1 FROM concurrency_queue WHERE ${flowWhere} AND execution_id = ?`).pluck();
  const joinStmt = db.prepare('INSERT INTO concurrency_queue (tenant_id, namespace, flow_id, execution_id, lim, queued_at) VALUES (?, ?, ?, ?, ?, ?)');
  const leaveStmt = db.prepare(`DELETE FROM concurrency_queue WHERE ${flowWhere} AND execution_id = ?`);
  const dropHeadStmt = db.prepare('DELETE FROM concurrency_queue WHERE seq = ?');
  const runningStmt = db.prepare(`SELECT execution_id FROM concurrency_slots WHERE ${flowWhere}`).pluck();
  const lineStmt = db.prepare(`SELECT execution_id FROM concurrency_queue WHERE ${flowWhere} ORDER BY seq`).pluck();

  type Parts = [string, string, string];
  const partsOf = (flow: FlowKey): Parts => [flow.tenantId, flow.namespace, flow.id];
  const held = (parts: Parts): number => countStmt.get(...parts) as number;
  // The oldest entries of the line into free slots, each under its own limit, never past an older one.
  const promote = (parts: Parts): void => {
    for (;;) {
      const head = headStmt.get(...parts) as { seq: number; executionId: string; lim: number; queuedAt: number } | undefined;
      if (head === undefined || held(parts) >= head.lim) return;
      holdStmt.run(...parts, head.executionId, head.queuedAt);
      dropHeadStmt.run(head.seq);
    }
  };
  const pending = (parts: Parts, except?: string): PromotedSlot[] =>
    (pendingStmt.all(...parts) as PromotedSlot[]).filter((slot) => slot.executionId !== except);

  return {
    async acquire(flow, executionId, request) {
      guard.check();
      const parts = partsOf(flow);
      return writes.write(() => {
        promote(parts);
        const slot = slotStmt.get(...parts, executionId) as { promoted_at: number | null } | undefined;
        let outcome: 'running' | 'queued' | 'refused';
        if (slot !== undefined) {
          if (slot.promoted_at !== null) confirmStmt.run(...parts, executionId);
          outcome = 'running';
        } else if (inLineStmt.get(...parts, executionId) !== undefined) {
          outcome = 'queued';
        } else if (held(parts) < request.limit && (!request.queue || headStmt.get(...parts) === undefined)) {
          holdStmt.run(...parts, executionId, null);
          outcome = 'running';
        } else if (request.queue) {
          joinStmt.run(...parts, executionId, request.limit, request.at);
          outcome = 'queued';
        } else {
          outcome = 'refused';
        }
        const running = held(parts) - (outcome === 'running' ? 1 : 0);
        return { outcome, running, promoted: pending(parts, executionId) };
      });
    },
    async release(flow, executionId) {
      guard.check();
      const parts = partsOf(flow);
      return writes.write(() => {
        const released = dropSlotStmt.run(...parts, executionId).changes > 0 || leaveStmt.run(...parts, executionId).changes > 0;
        promote(parts);
        return { released, promoted: pending(parts) };
      });
    },
    async slots(flow) {
      const parts = partsOf(flow);
      return reading(guard, 'read concurrency slots', () => ({
        running: runningStmt.all(...parts) as string[],
        queued: lineStmt.all(...parts) as string[],
      }));
    },
  };
}
