import { isSluiceError } from '@sluice/core';
import {
  REPLAYED_LABEL, executionToJson, isId, isTerminated, killChildren, replayExecution, requestKill, restartExecution, taskIndex,
  type Execution, type ExecutionEvent,
} from '@sluice/engine';
import type { Context } from 'koa';
import type { ServerContext } from '../../server-context.js';
import { serverErrors } from '../../errors.js';
import type { RouteSpec } from '../api-router.js';
import { masked } from '../masking.js';
import { problem } from '../problem.js';
import { storeAndQueue, storeDeadlines } from '../store-and-queue.js';

/** Reads of an execution that keeps changing under a control before the caller is told to try again. */
const MAX_READS = 5;

const { codes } = serverErrors;

/**
 * Kestra's execution controls: kill, restart, replay. Each reads the execution, decides with the
 * engine's pure helpers (killRequest, restartExecution, replayExecution), and stores the result
 * only if the execution is still the one read (a conditional save), so a control never
 * overwrites what a worker stored meanwhile: it reads again instead. Registered before the
 * executions routes, whose `POST /executions/{namespace}/{id}` would otherwise take
 * `POST /executions/{id}/restart`.
 */
export function executionControlRoutes(s: ServerContext): RouteSpec[] {
  const json = async (execution: Execution): Promise<unknown> => executionToJson(await masked(s, execution), { baseUrl: s.baseUrl });
  return [
    {
      method: 'delete',
      path: '/executions/:id/kill',
      handler: async (ctx) => {
        // Kestra's flag for killing the executions its Subflows wait for too (true by default).
        // Anything else is a mistake worth naming.
        const cascade = ctx.query.isOnKillCascade;
        if (cascade !== undefined && cascade !== 'true' && cascade !== 'false') {
          return problem(ctx, 400, 'isOnKillCascade must be true or false', [{ path: 'isOnKillCascade', message: 'must be true or false' }]);
        }
        const id = String(ctx.params.id);
        for (let read = 0; read < MAX_READS; read++) {
          const execution = await find(s, ctx, id);
          if (!execution) return;
          const outcome = await requestKill(s.runtime, execution, new Date());
          if (outcome === 'terminated') {
            const state = execution.state.current;
            return problem(ctx, 409, `Execution is already terminated (${state}): it cannot be killed`, undefined, codes.EXECUTION_ENDED, { state });
          }
          if (outcome === 'changed') continue;
          if (cascade !== 'false') await killChildren(s.runtime, execution, new Date());
          ctx.status = 202;
          return;
        }
        return changed(ctx, id);
      },
    },
    {
      method: 'post',
      path: '/executions/:id/restart',
      handler: async (ctx) => {
        const revision = revisionOf(ctx);
        if (revision === null) return;
        const id = String(ctx.params.id);
        for (let read = 0; read < MAX_READS; read++) {
          const execution = await find(s, ctx, id);
          if (!execution) return;
          const flow = await flowRevision(s, ctx, execution, revision);
          if (!flow) return;
          const result = restartExecution(execution, { ...flow, tasks: taskIndex(flow, s.registry) }, new Date());
          if (!result.ok) {
            return problem(ctx, result.reason === 'state' ? 409 : 422, result.message, undefined, codes.EXECUTION_NOT_RESTARTABLE, { state: execution.state.current });
          }
          const restarted = revision === undefined ? result.execution : { ...result.execution, flowRevision: revision };
          const announce: ExecutionEvent[] = [{ executionId: id, state: 'RESTARTED', terminated: false }];
          if (!(await saveIfUnchanged(s, restarted, execution, announce))) continue;
          // Queued for now as a job of its own: the execution's first job may still be retained.
          await s.runtime.queue.enqueue(id, { at: new Date() });
          ctx.body = await json(restarted);
          return;
        }
        return changed(ctx, id);
      },
    },
    {
      method: 'post',
      path: '/executions/:id/replay',
      handler: async (ctx) => {
        if (ctx.query.breakpoints !== undefined) {
          return problem(ctx, 400, 'breakpoints are not supported: a replay runs to its end', [{ path: 'breakpoints', message: 'not supported' }]);
        }
        const revision = revisionOf(ctx);
        if (revision === null) return;
        const taskRunId = ctx.query.taskRunId;
        if (taskRunId !== undefined && (typeof taskRunId !== 'string' || taskRunId === '')) {
          return problem(ctx, 400, 'taskRunId must be one task run id', [{ path: 'taskRunId', message: 'must be one non-empty string' }]);
        }
        const deadlines = storeDeadlines(Date.now(), s.config.SLUICE_STORE_TIMEOUT_MS);
        const id = String(ctx.params.id);
        const original = await find(s, ctx, id);
        if (!original) return;
        if (!isTerminated(original.state.current)) {
          const state = original.state.current;
          return problem(ctx, 409, `execution '${id}' is ${state}: only an ended execution can be replayed`, undefined, codes.EXECUTION_NOT_ENDED, { state });
        }
        if (!(await flowRevision(s, ctx, original, revision))) return;
        const result = replayExecution(original, { now: new Date(), ...(taskRunId === undefined ? {} : { taskRunId }), ...(revision === undefined ? {} : { revision }) });
        if (!result.ok) return problem(ctx, 422, result.message, [{ path: 'taskRunId', message: result.message }]);
        await storeAndQueue(s, result.execution, deadlines);
        s.metrics.executionsCreated.inc({ trigger: 'replay' });
        await markReplayed(s, original);
        ctx.body = await json(result.execution);
      },
    },
  ];
}

async function find(s: ServerContext, ctx: Context, id: string): Promise<Execution | undefined> {
  const execution = isId(id) ? await s.runtime.executions.get(id) : undefined;
  if (!execution) problem(ctx, 404, `execution '${id}' not found`);
  return execution;
}

/** `?revision=N`: undefined when absent, null once a 400 naming it is answered. */
function revisionOf(ctx: Context): number | undefined | null {
  const raw = ctx.query.revision;
  if (raw === undefined) return undefined;
  const revision = typeof raw === 'string' && /^[1-9][0-9]{0,8}$/.test(raw) ? Number(raw) : undefined;
  if (revision === undefined) {
    problem(ctx, 400, 'revision must be a positive integer', [{ path: 'revision', message: 'must be a positive integer' }]);
    return null;
  }
  return revision;
}

/** The flow revision a control runs under (the execution's, or `revision`); a 404 or 422 when it is gone. */
async function flowRevision(s: ServerContext, ctx: Context, execution: Execution, revision: number | undefined) {
  const key = { tenantId: execution.tenantId, namespace: execution.namespace, id: execution.flowId };
  const flow = await s.runtime.flows.getRevision(key, revision ?? execution.flowRevision);
  if (!flow || flow.deleted) {
    if (revision !== undefined) problem(ctx, 422, `flow ${key.namespace}.${key.id} has no revision ${revision}`, [{ path: 'revision', message: 'no such revision of the flow' }]);
    else problem(ctx, 404, `flow ${key.namespace}.${key.id} revision ${execution.flowRevision} not found`);
    return undefined;
  }
  return flow;
}

/** Saves `next` in place of `read` if the store still holds `read`; false when it changed meanwhile. */
async function saveIfUnchanged(s: ServerContext, next: Execution, read: Execution, announce: readonly ExecutionEvent[]): Promise<boolean> {
  try {
    await s.runtime.executions.save(next, { expected: read, announce });
    return true;
  } catch (error) {
    if (isSluiceError(error, 'RUNTIME_EXECUTION_CHANGED')) return false;
    throw error;
  }
}

// Kestra labels the original `system.replayed: true`. Best effort: an original that changed
// meanwhile (restarted, deleted) keeps its labels, and the replay stands anyway.
async function markReplayed(s: ServerContext, original: Execution): Promise<void> {
  if (original.labels.some((l) => l.key === REPLAYED_LABEL)) return;
  try {
    await saveIfUnchanged(s, { ...original, labels: [...original.labels, { key: REPLAYED_LABEL, value: 'true' }] }, original, []);
  } catch (error) {
    s.logger.warn({ executionId: original.id, err: error }, 'the replayed execution could not be labelled system.replayed');
  }
}

function changed(ctx: Context, id: string): void {
  problem(ctx, 409, `execution '${id}' kept changing while it was being read; nothing was done, try again`, undefined, codes.EXECUTION_CHANGED);
}
