import { describe, expect, it, vi } from 'vitest';
import type { FlowChange, FlowKey, FlowRevision } from '@sluice/engine';
import { aFlowToSave, uniqueTenant } from './builders.js';
import { sleep, type ContractContext } from './harness.js';

function keyOf(flow: { tenantId: string; namespace: string; id: string }): FlowKey {
  return { tenantId: flow.tenantId, namespace: flow.namespace, id: flow.id };
}

function names(flows: readonly FlowRevision[]): string[] {
  return flows.map((f) => `${f.namespace}/${f.id}@${f.revision}`).sort();
}

/** FlowRepository: revisions, deletion, listing by namespace prefix, watching. */
export function describeFlowRepository(ctx: ContractContext): void {
  describe('flows', () => {
    it('numbers revisions from 1 and adds one per changed source', async () => {
      const flows = ctx.runtime.flows;
      const flow = aFlowToSave({ tenantId: uniqueTenant() });
      const first = await flows.save(flow);
      expect(first).toMatchObject({ ...flow, revision: 1, deleted: false });
      expect(Number.isNaN(Date.parse(first.updated))).toBe(false);
      const second = await flows.save({ ...flow, source: `${flow.source}# changed\n` });
      expect(second.revision).toBe(2);
      expect(await flows.get(keyOf(flow))).toEqual(second);
      expect(await flows.revisions(keyOf(flow))).toEqual([first, second]);
    });

    it('returns the latest revision unchanged when the source is identical to it', async () => {
      const flows = ctx.runtime.flows;
      const flow = aFlowToSave({ tenantId: uniqueTenant() });
      const first = await flows.save(flow);
      expect(await flows.save(flow)).toEqual(first);
      expect(await flows.revisions(keyOf(flow))).toHaveLength(1);
      // Identical to an older revision is still a change.
      await flows.save({ ...flow, source: `${flow.source}# v2\n` });
      expect((await flows.save(flow)).revision).toBe(3);
    });

    it('gives distinct consecutive revisions to concurrent saves', async () => {
      const flows = ctx.runtime.flows;
      const flow = aFlowToSave({ tenantId: uniqueTenant() });
      const saved = await Promise.all([0, 1, 2, 3, 4].map((i) => flows.save({ ...flow, source: `${flow.source}# ${i}\n` })));
      expect(saved.map((r) => r.revision).sort()).toEqual([1, 2, 3, 4, 5]);
      expect((await flows.revisions(keyOf(flow))).map((r) => r.revision)).toEqual([1, 2, 3, 4, 5]);
    });

    it('saves with an expected revision only while it is the latest, and names both when not', async () => {
      const flows = ctx.runtime.flows;
      const flow = aFlowToSave({ tenantId: uniqueTenant() });
      await expect(flows.save(flow, { expectedRevision: 1 })).rejects.toMatchObject({ code: 'RUNTIME_FLOW_REVISION_CONFLICT', details: { expected: 1, current: 0 } });
      expect(await flows.get(keyOf(flow))).toBeUndefined();
      expect((await flows.save(flow, { expectedRevision: 0 })).revision).toBe(1);
      expect((await flows.save({ ...flow, source: `${flow.source}# a\n` }, { expectedRevision: 1 })).revision).toBe(2);
      // A second editor who also read revision 1: refused, even with a source equal to the latest.
      for (const source of [`${flow.source}# b\n`, `${flow.source}# a\n`]) {
        await expect(flows.save({ ...flow, source }, { expectedRevision: 1 })).rejects.toMatchObject({
          code: 'RUNTIME_FLOW_REVISION_CONFLICT',
          details: { expected: 1, current: 2 },
        });
      }
      expect((await flows.revisions(keyOf(flow))).map((r) => r.revision)).toEqual([1, 2]);
      expect((await flows.get(keyOf(flow)))?.source).toBe(`${flow.source}# a\n`);
    });

    it('lets exactly one of concurrent saves expecting the same revision win', async () => {
      const flows = ctx.runtime.flows;
      const flow = aFlowToSave({ tenantId: uniqueTenant() });
      await flows.save(flow);
      const outcomes = await Promise.allSettled([0, 1, 2, 3, 4].map((i) => flows.save({ ...flow, source: `${flow.source}# ${i}\n` }, { expectedRevision: 1 })));
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'RUNTIME_FLOW_REVISION_CONFLICT', details: { expected: 1, current: 2 } });
      expect((await flows.revisions(keyOf(flow))).map((r) => r.revision)).toEqual([1, 2]);
    });

    it('records a deletion as a revision: get is undefined, older revisions stay readable', async () => {
      const flows = ctx.runtime.flows;
      const flow = aFlowToSave({ tenantId: uniqueTenant() });
      const first = await flows.save(flow);
      expect(await flows.delete(keyOf(flow))).toBe(true);
      expect(await flows.get(keyOf(flow))).toBeUndefined();
      expect(await flows.getRevision(keyOf(flow), 1)).toEqual(first);
      const history = await flows.revisions(keyOf(flow));
      expect(history.map((r) => [r.revision, r.deleted])).toEqual([
        [1, false],
        [2, true],
      ]);
      expect(await flows.delete(keyOf(flow))).toBe(false);
    });

    it('answers false when deleting a flow that never existed', async () => {
      expect(await ctx.runtime.flows.delete({ tenantId: uniqueTenant(), namespace: 'company', id: 'nothing' })).toBe(false);
    });

    it('starts a new revision when a deleted flow is saved again, even with the same source', async () => {
      const flows = ctx.runtime.flows;
      const flow = aFlowToSave({ tenantId: uniqueTenant() });
      await flows.save(flow);
      await flows.delete(keyOf(flow));
      const revived = await flows.save(flow);
      expect(revived).toMatchObject({ revision: 3, deleted: false });
      expect(await flows.get(keyOf(flow))).toEqual(revived);
    });

    it('answers undefined for unknown flows and revisions', async () => {
      const flows = ctx.runtime.flows;
      const flow = aFlowToSave({ tenantId: uniqueTenant() });
      expect(await flows.get(keyOf(flow))).toBeUndefined();
      expect(await flows.getRevision(keyOf(flow), 1)).toBeUndefined();
      expect(await flows.revisions(keyOf(flow))).toEqual([]);
      await flows.save(flow);
      expect(await flows.getRevision(keyOf(flow), 2)).toBeUndefined();
    });

    it('keeps tenants apart', async () => {
      const flows = ctx.runtime.flows;
      const a = aFlowToSave({ tenantId: uniqueTenant() });
      const b = aFlowToSave({ tenantId: uniqueTenant(), source: `${a.source}# b\n` });
      await flows.save(a);
      await flows.save({ ...a, source: `${a.source}# a2\n` });
      expect((await flows.save(b)).revision).toBe(1);
      expect((await flows.get(keyOf(b)))?.source).toBe(b.source);
      expect(names(await flows.list(b.tenantId))).toEqual(['company.team/hello@1']);
    });

    it('lists the latest revision of each live flow of a tenant, namespace matched as a prefix', async () => {
      const flows = ctx.runtime.flows;
      const tenantId = uniqueTenant();
      const save = (namespace: string, id: string, extra = ''): Promise<FlowRevision> =>
        flows.save(aFlowToSave({ tenantId, namespace, id, source: `id: ${id}\nnamespace: ${namespace}\n${extra}` }));
      await save('company', 'a');
      await save('company', 'a', '# v2\n');
      await save('company.team', 'b');
      await save('companyx', 'c');
      await save('other', 'd');
      await save('company', 'gone');
      await flows.delete({ tenantId, namespace: 'company', id: 'gone' });
      await flows.save(aFlowToSave({ tenantId: uniqueTenant(), namespace: 'company', id: 'elsewhere' }));

      expect(names(await flows.list(tenantId))).toEqual(['company.team/b@1', 'company/a@2', 'companyx/c@1', 'other/d@1']);
      expect(names(await flows.list(tenantId, 'company'))).toEqual(['company.team/b@1', 'company/a@2']);
      expect(names(await flows.list(tenantId, 'company.team'))).toEqual(['company.team/b@1']);
      expect(await flows.list(tenantId, 'nothing')).toEqual([]);
      expect(await flows.list(uniqueTenant())).toEqual([]);
    });

    it('calls a watcher after every save and delete, and no more once it stops watching', async () => {
      const flows = ctx.runtime.flows;
      const flow = aFlowToSave({ tenantId: uniqueTenant() });
      const seen: FlowChange[] = [];
      const stop = await flows.watch((change) => {
        if (change.key.tenantId === flow.tenantId) seen.push(change);
      });
      await flows.save(flow);
      await flows.delete(keyOf(flow));
      const wait = { timeout: ctx.options.deliveryTimeoutMs, interval: 20 };
      await vi.waitFor(() => expect(seen).toHaveLength(2), wait);
      expect(seen).toEqual([
        { key: keyOf(flow), revision: 1, deleted: false },
        { key: keyOf(flow), revision: 2, deleted: true },
      ]);
      await stop();
      await flows.save(flow);
      await sleep(ctx.options.quietMs);
      expect(seen).toHaveLength(2);
    });

    it('moves the version of a tenant with each new revision and deletion, and only then', async () => {
      const flows = ctx.runtime.flows;
      const tenantId = uniqueTenant();
      const other = uniqueTenant();
      const flow = aFlowToSave({ tenantId });
      const v0 = await flows.version(tenantId);
      expect(await flows.version(tenantId)).toBe(v0);
      await flows.save(flow);
      const v1 = await flows.version(tenantId);
      expect(v1).not.toBe(v0);
      // The same source again writes no revision, so nothing changed.
      await flows.save(flow);
      expect(await flows.version(tenantId)).toBe(v1);
      const otherBefore = await flows.version(other);
      await flows.save({ ...flow, source: `${flow.source}# v2\n` });
      const v2 = await flows.version(tenantId);
      expect(new Set([v0, v1, v2]).size).toBe(3);
      expect(await flows.version(other)).toBe(otherBefore);
      await flows.delete(keyOf(flow));
      const v3 = await flows.version(tenantId);
      expect(new Set([v0, v1, v2, v3]).size).toBe(4);
      // Nothing to delete: no revision, no move.
      await flows.delete(keyOf(flow));
      expect(await flows.version(tenantId)).toBe(v3);
    });

    // Only a store shared by several instances can be held to this; the memory runtime has none.
    if (ctx.options.sharedStore) it('moves the version for saves made through another instance', async () => {
      const other = await ctx.another();
      const tenantId = uniqueTenant();
      const before = await ctx.runtime.flows.version(tenantId);
      await other.flows.save(aFlowToSave({ tenantId }));
      const after = await ctx.runtime.flows.version(tenantId);
      expect(after).not.toBe(before);
      expect(await other.flows.version(tenantId)).toBe(after);
    });

    // Only a store shared by several instances can be held to this; the memory runtime has none.
    if (ctx.options.sharedStore) it('lets a watcher see changes made through another instance', async () => {
      const other = await ctx.another();
      const flow = aFlowToSave({ tenantId: uniqueTenant() });
      const seen: FlowChange[] = [];
      await ctx.runtime.flows.watch((change) => {
        if (change.key.tenantId === flow.tenantId) seen.push(change);
      });
      const saved = await other.flows.save(flow);
      await vi.waitFor(() => expect(seen).toEqual([{ key: keyOf(flow), revision: 1, deleted: false }]), {
        timeout: ctx.options.deliveryTimeoutMs,
        interval: 20,
      });
      expect(await ctx.runtime.flows.get(keyOf(flow))).toEqual(saved);
    });
  });
}
