import { flowTriggersOf, matchFlowTrigger, type Execution, type FlowRevision } from '@sluice/engine';
import { createFlowIndex, type FlowIndex } from '../flows/flow-index.js';
import { describeError } from '../logging/describe-error.js';
import { pluginLogger } from '../logging/plugin-logger.js';
import { submitOnce } from '../runtime/submit-once.js';
import type { ServerContext } from '../server-context.js';
import type { AfterEnd } from '../worker/after-end.js';

/** The Flow triggers of this process: an after-end hook, and the index it reads. */
export interface FlowTriggers extends AfterEnd {
  /** The flows with at least one enabled Flow trigger, as the index holds them now. */
  flows(): readonly FlowRevision[];
  close(): Promise<void>;
}

/** Options of {@link startFlowTriggers}. */
export interface FlowTriggerOptions {
  /** Tenants whose flows are indexed. */
  readonly tenants?: readonly string[];
  /** Reload period of the index, a safety net for a missed change notification. Default 30 s. */
  readonly refreshMs?: number;
}

/**
 * Starts the flows that Flow triggers (`mode: 'flow'`) ask for when an execution ends.
 *
 * The flows with such triggers are kept in an index in step with `FlowRepository.watch`, so an
 * ending execution costs a look at those flows only, never a listing of every flow. For each of
 * their triggers the plugin's `match` decides; a start is stored with the id derived from the
 * ended execution, the flow and the trigger, so a hook run again (a redelivered job, another
 * worker) finds it stored (`RUNTIME_DUPLICATE_EXECUTION`) and starts nothing more. A trigger
 * whose preconditions several executions meet together records each end's part in its window
 * (`TriggerStateRepository.recordWindow`, atomic across workers) and starts the flow for the end
 * that completes it, with the id derived from that end, so it fires once. A store failure
 * rejects, so the job is delivered again; a plugin failure or inputs the flow refuses are logged
 * and not retried, since they would fail again.
 */
export async function startFlowTriggers(s: ServerContext, options: FlowTriggerOptions = {}): Promise<FlowTriggers> {
  const log = s.logger.child({ component: 'flow-triggers' });
  const triggerLogger = pluginLogger(log);
  const index: FlowIndex = await createFlowIndex(s.runtime.flows, options.tenants ?? ['main'], options.refreshMs ?? 30_000, undefined, (flow) => flowTriggersOf(flow, s.registry).length > 0);

  const fire = async (flow: FlowRevision, triggerId: string, ended: Execution): Promise<void> => {
    const where = { flow: `${flow.namespace}.${flow.id}`, trigger: triggerId, endedExecutionId: ended.id };
    let firing: Awaited<ReturnType<typeof matchFlowTrigger>>;
    try {
      firing = await matchFlowTrigger({ flow, triggerId, ended, registry: s.registry, secrets: s.secrets, logger: triggerLogger });
    } catch (error) {
      log.error({ ...where, err: describeError(error) }, `flow trigger '${triggerId}' of ${where.flow} failed on execution ${ended.id}`);
      return;
    }
    switch (firing.kind) {
      case 'not-found':
      case 'skip':
        return;
      case 'invalid':
        log.warn({ ...where, errors: firing.errors.map((e) => e.path) }, `flow trigger '${triggerId}' of ${where.flow} started nothing for execution ${ended.id}: ${firing.errors.map((e) => e.path || e.message).join(', ')} invalid`);
        return;
      case 'window': {
        // Recorded for every end that meets part of the window; started only by the one that
        // completes it. A repeated record answers alike, so a redelivered end finds its start stored.
        const key = { tenantId: flow.tenantId, namespace: flow.namespace, flowId: flow.id, triggerId };
        const { fired } = await s.runtime.triggers.recordWindow(key, ended.id, firing.window);
        if (!fired) {
          log.debug({ ...where, met: firing.window.met }, `execution ${ended.id} met ${firing.window.met.join(', ')} of the window '${firing.window.id}' of ${where.flow}`);
          return;
        }
        if (await submitOnce(s, firing.execution, 'flow')) {
          log.info({ ...where, executionId: firing.execution.id }, `execution ${ended.id} of ${ended.namespace}.${ended.flowId} completed the window '${firing.window.id}': started ${where.flow} as ${firing.execution.id}`);
        }
        return;
      }
      case 'start': {
        const { execution } = firing;
        // False when an earlier run of this hook for the same end started it.
        if (await submitOnce(s, execution, 'flow')) {
          log.info({ ...where, executionId: execution.id }, `execution ${ended.id} of ${ended.namespace}.${ended.flowId} ended ${ended.state}: started ${where.flow} as ${execution.id}`);
        }
      }
    }
  };

  return {
    name: 'flow-triggers',
    flows: () => index.all(),
    async run(ended) {
      for (const flow of index.all()) {
        if (flow.tenantId !== ended.tenantId) continue;
        for (const triggerId of flowTriggersOf(flow, s.registry)) await fire(flow, triggerId, ended);
      }
    },
    close: () => index.close(),
  };
}
