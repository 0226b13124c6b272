import { applyAcquire, applyRelease, slotsEmpty, slotsOf, type ConcurrencyLimits, type FlowKey, type StoredFlowSlots } from '@sluice/engine';
import type { Guard } from './guard.js';

/**
 * Flow `concurrency` slots in process, one value per flow changed by the engine's rules
 * (`applyAcquire`, `applyRelease`). Each call runs in one turn of the event loop, so it is atomic
 * across the consumers of this process, which are all there are.
 */
export function createConcurrencyStore(guard: Guard): ConcurrencyLimits {
  const flows = new Map<string, StoredFlowSlots>();
  const keyOf = (flow: FlowKey): string => JSON.stringify([flow.tenantId, flow.namespace, flow.id]);
  const keep = (key: string, slots: StoredFlowSlots): void => {
    if (slotsEmpty(slots)) flows.delete(key);
    else flows.set(key, slots);
  };
  return {
    async acquire(flow, executionId, request) {
      guard.check();
      const key = keyOf(flow);
      const step = applyAcquire(flows.get(key), executionId, request);
      if (step.changed) keep(key, step.slots);
      return step.answer;
    },
    async release(flow, executionId) {
      guard.check();
      const key = keyOf(flow);
      const step = applyRelease(flows.get(key), executionId);
      if (step.changed) keep(key, step.slots);
      return step.answer;
    },
    async slots(flow) {
      guard.check();
      return slotsOf(flows.get(keyOf(flow)));
    },
  };
}
