import { stopAfterTarget } from '@sluice/engine';
import type { ServerContext } from '../server-context.js';
import type { AfterEnd } from '../worker/after-end.js';

/**
 * Kestra's `stopAfter`, as an after-end hook: when an execution ends in a state its trigger's
 * `stopAfter` lists, the trigger is disabled through the same flag as the trigger API's, so the
 * flow's YAML is left alone and the trigger API's `PUT {disabled: false}` turns it on again.
 * Webhooks answer 404 from then on (at once in this process, within the API-disabled refresh
 * elsewhere), schedules skip their ticks, and poll and listen runners stop at their next lease
 * renewal. Setting the flag twice (a redelivered job) changes nothing.
 */
export function stopAfterHook(s: Pick<ServerContext, 'runtime' | 'logger' | 'apiDisabled'>): AfterEnd {
  const log = s.logger.child({ component: 'stop-after' });
  return {
    name: 'stop-after',
    async run(execution) {
      if (execution.trigger?.id === undefined) return;
      const key = { tenantId: execution.tenantId, namespace: execution.namespace, id: execution.flowId };
      // The revision that started the execution is cached by every runtime, so the usual end (no
      // stopAfter listing its state) costs no store read. Only then is the latest revision read,
      // so a stopAfter removed since is not applied.
      if (!stopAfterTarget(await s.runtime.flows.getRevision(key, execution.flowRevision), execution)) return;
      const target = stopAfterTarget(await s.runtime.flows.get(key), execution);
      if (!target) return;
      if ((await s.runtime.triggers.get(target))?.disabled === true) return;
      await s.runtime.triggers.setDisabled(target, true, { kind: 'stopAfter', executionId: execution.id, state: execution.state.current, at: Date.now() });
      // This process's webhook route at once; other webservers at their next refresh.
      s.apiDisabled?.set(target, true);
      log.info(
        { flow: `${target.namespace}.${target.flowId}`, trigger: target.triggerId, executionId: execution.id, state: execution.state.current },
        `trigger '${target.triggerId}' of ${target.namespace}.${target.flowId} disabled: execution ${execution.id} ended ${execution.state.current}, listed in its stopAfter`,
      );
    },
  };
}
