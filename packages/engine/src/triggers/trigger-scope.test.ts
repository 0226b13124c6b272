import { describe, expect, it } from 'vitest';
import { Dynamic, Type, definePluginPackage, defineTrigger } from '@sluice/core';
import type { FlowRevision, FlowTrigger } from '../flow/flow.types.js';
import { createRegistry } from '../plugins/index.js';
import { mapSecrets } from '../secrets/index.js';
import { silentLogger } from '../webhook/loggers.js';
import { triggerScope } from './trigger-scope.js';

const TYPE = 'test.trigger.Hook';

const hook = defineTrigger({
  mode: 'webhook',
  type: TYPE,
  title: 'Hook',
  description: 'A webhook-like trigger with a rendered key and a default.',
  props: Type.Object({
    key: Dynamic(Type.String({ description: 'The key.' })),
    retries: Type.Optional(Dynamic(Type.Integer({ description: 'How often.', default: 3 }))),
    tags: Type.Optional(Type.Array(Type.String({ description: 'A tag.' }), { description: 'Tags.' })),
  }, { additionalProperties: false }),
  variables: Type.Object({}),
  examples: [{ title: 'Hook', flow: 'id: x' }],
  receive: () => ({ kind: 'not-matched' }),
});

const registry = createRegistry([{
  pkg: definePluginPackage({ triggers: [hook] }),
  info: { name: 'test', version: '0.0.0', path: '/dev/null', types: [TYPE] },
}]);
const entry = registry.trigger(TYPE)!;

const trigger = (props: Record<string, unknown>): FlowTrigger => ({ id: 'hook', type: TYPE, disabled: false, labels: [], props });

const flowWith = (t: FlowTrigger): FlowRevision => ({
  tenantId: 'main', id: 'f', namespace: 'ns', labels: [], inputs: [], variables: { team: 'data' }, outputs: [], tasks: [],
  triggers: [t], disabled: false, extra: {}, revision: 4, source: '', updated: '2024-01-01T00:00:00.000Z', deleted: false,
});

const scope = (t: FlowTrigger, secrets: Record<string, string> = {}, signal?: AbortSignal) =>
  triggerScope({ flow: flowWith(t), trigger: t, entry, secrets: mapSecrets(secrets), logger: silentLogger, ...(signal ? { signal } : {}) });

describe('triggerScope', () => {
  it('prepares props without templates once per trigger: the same frozen props, defaults applied', () => {
    const t = trigger({ key: 'abc', tags: ['a'] });
    const first = scope(t);
    const second = scope(t);
    if (!first.ok || !second.ok) throw new Error('expected props');
    expect(first.scope.props).toEqual({ key: 'abc', retries: 3, tags: ['a'] });
    expect(second.scope.props).toBe(first.scope.props);
    expect(Object.isFrozen(first.scope.props)).toBe(true);
    expect(Object.isFrozen(first.scope.props.tags)).toBe(true);
    // The trigger's own props are left as written.
    expect(t.props).toEqual({ key: 'abc', tags: ['a'] });
  });

  it('stays right past the number of triggers it keeps props for', () => {
    const triggers = Array.from({ length: 20_050 }, (_, i) => trigger({ key: `k${i}` }));
    let wrong = 0;
    for (const [i, t] of triggers.entries()) {
      const prepared = scope(t);
      if (!prepared.ok || prepared.scope.props.key !== `k${i}`) wrong++;
    }
    expect(wrong).toBe(0);
    const again = scope(triggers[0]!);
    expect(again.ok && again.scope.props).toEqual({ key: 'k0', retries: 3 });
  });

  it('renders props with templates on every call, so a secret that changed is read again', () => {
    const t = trigger({ key: "{{ secret('HOOK_KEY') }}-{{ flow.revision }}-{{ vars.team }}" });
    const first = scope(t, { HOOK_KEY: 'one' });
    const second = scope(t, { HOOK_KEY: 'two' });
    if (!first.ok || !second.ok) throw new Error('expected props');
    expect(first.scope.props.key).toBe('one-4-data');
    expect(second.scope.props.key).toBe('two-4-data');
  });

  it('reports invalid props without templates every time it is asked', () => {
    const t = trigger({ key: 'abc', retries: 'often' });
    for (let i = 0; i < 2; i++) {
      const prepared = scope(t);
      expect(prepared.ok).toBe(false);
      if (!prepared.ok) expect(prepared.errors.map((e) => e.path)).toEqual(['retries']);
    }
  });

  it('gives the plugin a live signal: the caller\'s, or one that has not fired', () => {
    const t = trigger({ key: 'abc' });
    const controller = new AbortController();
    const given = scope(t, {}, controller.signal);
    if (!given.ok) throw new Error('expected props');
    expect(given.scope.ctx.signal).toBe(controller.signal);
    const own = scope(t);
    if (!own.ok) throw new Error('expected props');
    expect(own.scope.ctx.signal).toBeInstanceOf(AbortSignal);
    expect(own.scope.ctx.signal.aborted).toBe(false);
    expect(own.scope.ctx.signal).toBe(own.scope.ctx.signal);
  });
});
