import { describe, expect, it } from 'vitest';
import type { KvEntry, KvKey } from '@sluice/engine';
import { uniqueTenant } from './builders.js';
import { sleep, type ContractContext } from './harness.js';

const entry = (value: unknown, more: Partial<KvEntry> = {}): KvEntry => ({ value, updated: new Date().toISOString(), ...more });

/** KvRepository: per tenant and namespace, overwrite or not, expiry, deletion, key listing. */
export function describeKvRepository(ctx: ContractContext): void {
  describe('key-value store', () => {
    const at = (key: string, namespace = 'company.team', tenantId = uniqueTenant()): KvKey => ({ tenantId, namespace, key });

    it('returns what was stored, any JSON value with its type and description, and nothing for an unknown key', async () => {
      const key = at('orders_file');
      const stored = entry({ rows: [1, 'two', { three: true }], big: '12345678901234567890' }, { type: 'JSON', description: 'The orders.' });
      expect(await ctx.runtime.kv.set(key, stored)).toBe(true);
      expect(await ctx.runtime.kv.get(key)).toEqual(stored);
      expect(await ctx.runtime.kv.get({ ...key, key: 'other' })).toBeUndefined();
    });

    it('keeps tenants and namespaces apart', async () => {
      const key = at('k');
      await ctx.runtime.kv.set(key, entry('mine'));
      expect(await ctx.runtime.kv.get({ ...key, namespace: 'company.other' })).toBeUndefined();
      expect(await ctx.runtime.kv.get({ ...key, tenantId: uniqueTenant() })).toBeUndefined();
      expect(await ctx.runtime.kv.keys(key.tenantId, 'company')).toEqual([]);
    });

    it('overwrites by default, and with overwrite: false leaves a live entry as it was', async () => {
      const key = at('k');
      expect(await ctx.runtime.kv.set(key, entry(1))).toBe(true);
      expect(await ctx.runtime.kv.set(key, entry(2))).toBe(true);
      expect((await ctx.runtime.kv.get(key))?.value).toBe(2);
      expect(await ctx.runtime.kv.set(key, entry(3), { overwrite: false })).toBe(false);
      expect((await ctx.runtime.kv.get(key))?.value).toBe(2);
      expect(await ctx.runtime.kv.set(at('fresh', key.namespace, key.tenantId), entry(4), { overwrite: false })).toBe(true);
    });

    it('never returns an entry past its expiry, and then lets overwrite: false store a new one', async () => {
      const key = at('short');
      await ctx.runtime.kv.set(key, entry('soon gone', { expiresAt: Date.now() + 300 }));
      await ctx.runtime.kv.set(at('long', key.namespace, key.tenantId), entry('kept', { expiresAt: Date.now() + 3_600_000 }));
      expect((await ctx.runtime.kv.get(key))?.value).toBe('soon gone');
      await sleep(450);
      expect(await ctx.runtime.kv.get(key)).toBeUndefined();
      expect(await ctx.runtime.kv.keys(key.tenantId, key.namespace)).toEqual(['long']);
      expect(await ctx.runtime.kv.delete(key)).toBe(false);
      expect(await ctx.runtime.kv.set(key, entry('again'), { overwrite: false })).toBe(true);
      expect((await ctx.runtime.kv.get(key))?.value).toBe('again');
    });

    it('deletes once, and lists the live keys of a namespace sorted, by prefix', async () => {
      const tenantId = uniqueTenant();
      for (const k of ['b.two', 'a-one', 'b.one', 'c_three']) await ctx.runtime.kv.set(at(k, 'ns', tenantId), entry(k));
      expect(await ctx.runtime.kv.keys(tenantId, 'ns')).toEqual(['a-one', 'b.one', 'b.two', 'c_three']);
      expect(await ctx.runtime.kv.keys(tenantId, 'ns', 'b.')).toEqual(['b.one', 'b.two']);
      expect(await ctx.runtime.kv.delete(at('b.one', 'ns', tenantId))).toBe(true);
      expect(await ctx.runtime.kv.delete(at('b.one', 'ns', tenantId))).toBe(false);
      expect(await ctx.runtime.kv.keys(tenantId, 'ns', 'b.')).toEqual(['b.two']);
    });

    it('lists the namespaces of a tenant that hold a live entry, sorted, for an export', async () => {
      const tenantId = uniqueTenant();
      await ctx.runtime.kv.set(at('k', 'team.b', tenantId), entry(1));
      await ctx.runtime.kv.set(at('k', 'team.a', tenantId), entry(2));
      await ctx.runtime.kv.set(at('gone', 'deleted', tenantId), entry(3));
      await ctx.runtime.kv.delete(at('gone', 'deleted', tenantId));
      await ctx.runtime.kv.set(at('soon', 'expiring', tenantId), entry(4, { expiresAt: Date.now() + 40 }));
      await ctx.runtime.kv.set(at('k', 'elsewhere', uniqueTenant()), entry(5));
      await sleep(80);
      expect(await ctx.runtime.kv.namespaces(tenantId)).toEqual(['team.a', 'team.b']);
      expect(await ctx.runtime.kv.namespaces(uniqueTenant())).toEqual([]);
    });

    if (ctx.options.sharedStore) {
      it('shows one instance what another stored and deleted', async () => {
        const other = await ctx.another();
        const key = at('shared');
        await ctx.runtime.kv.set(key, entry('from one'));
        expect((await other.kv.get(key))?.value).toBe('from one');
        await other.kv.delete(key);
        expect(await ctx.runtime.kv.get(key)).toBeUndefined();
      });
    }
  });
}
