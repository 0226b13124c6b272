import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FlowRepository, Runtime } from '@sluice/engine';
import { createMemoryRuntime } from '@sluice/runtime-memory';
import { countingFlows, saveFlowYaml } from '../../test/flows.js';
import { createFlowIndex, type FlowIndex } from './flow-index.js';

const yaml = (id: string, message = 'hi') => `id: ${id}\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: ${message}\n`;
const save = (flows: FlowRepository, id: string, message?: string) => saveFlowYaml(flows, yaml(id, message));

const opened: { runtime: Runtime; index?: FlowIndex }[] = [];
afterEach(async () => {
  for (const { runtime, index } of opened.splice(0)) {
    await index?.close();
    await runtime.close();
  }
});

/** A memory runtime, and its flows as a process sees them that counts listings and can miss notices. */
function setup() {
  const runtime = createMemoryRuntime();
  const entry: { runtime: Runtime; index?: FlowIndex } = { runtime };
  opened.push(entry);
  return { runtime, entry, ...countingFlows(runtime.flows) };
}

describe('flow index', () => {
  it('skips the periodic listing while the flows version stays, and lists again once it moves', async () => {
    const { runtime, entry, flows, lists, deafen } = setup();
    await save(runtime.flows, 'a');
    // No forced listing within the test, so only the version decides.
    entry.index = await createFlowIndex(flows, ['main'], 10, 1_000_000);
    expect(lists()).toBe(1);
    expect(entry.index.get({ tenantId: 'main', namespace: 'company.team', id: 'a' })?.revision).toBe(1);
    // Quiet: several periods pass without a listing.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lists()).toBe(1);
    // A change this process never heard of: the next period sees the version move and lists.
    deafen();
    await save(runtime.flows, 'b');
    await vi.waitFor(() => expect(entry.index?.get({ tenantId: 'main', namespace: 'company.team', id: 'b' })?.revision).toBe(1), { timeout: 2000, interval: 10 });
    expect(lists()).toBe(2);
  });

  it('lists every so many periods even when the version never moves', async () => {
    const { entry, flows, lists } = setup();
    entry.index = await createFlowIndex(flows, ['main'], 10, 3);
    await vi.waitFor(() => expect(lists()).toBeGreaterThanOrEqual(3), { timeout: 5000, interval: 10 });
  });
});
