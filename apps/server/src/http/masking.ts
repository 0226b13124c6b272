import { maskExecution, masksNothing, type Execution, type FlowInput, type MaskOptions } from '@sluice/engine';
import type { ServerContext } from '../server-context.js';

/** The inputs declared by each flow revision, looked up once per answer. */
export type InputsCache = Map<string, Promise<readonly FlowInput[]>>;

/**
 * The inputs the revision an execution ran declared: from the flow index when it is the latest
 * (no store read), else from the store. None when the revision is gone: then no input is known
 * to be SECRET, and only secret values are masked.
 */
function declaredInputs(s: ServerContext, execution: Execution): Promise<readonly FlowInput[]> {
  const key = { tenantId: execution.tenantId, namespace: execution.namespace, id: execution.flowId };
  const latest = s.flowIndex.get(key);
  if (latest && latest.revision === execution.flowRevision) return Promise.resolve(latest.inputs);
  return s.runtime.flows.getRevision(key, execution.flowRevision).then((flow) => flow?.inputs ?? [], () => []);
}

/** What {@link masked} needs for `execution`: the host's secret values and the revision's inputs. */
export async function maskOptionsFor(s: ServerContext, execution: Execution, cache: InputsCache = new Map()): Promise<MaskOptions> {
  const id = `${execution.tenantId}\u0000${execution.namespace}\u0000${execution.flowId}\u0000${execution.flowRevision}`;
  let inputs = cache.get(id);
  if (!inputs) cache.set(id, (inputs = declaredInputs(s, execution)));
  return { secretValues: s.secretValues(), inputs: await inputs };
}

/** `execution` as API answers show it: SECRET inputs and secret values in outputs masked (see `maskExecution`). */
export async function masked(s: ServerContext, execution: Execution, cache?: InputsCache): Promise<Execution> {
  // The common answer, a webhook's new execution: the latest revision, no secret values, no
  // SECRET input. Shown as it is, without the cache, the look-up's promise and the masking's sets.
  const secretValues = s.secretValues();
  if (secretValues.length === 0) {
    const latest = s.flowIndex.get({ tenantId: execution.tenantId, namespace: execution.namespace, id: execution.flowId });
    if (latest && latest.revision === execution.flowRevision && masksNothing({ secretValues, inputs: latest.inputs })) return execution;
  }
  return maskExecution(execution, await maskOptionsFor(s, execution, cache));
}
