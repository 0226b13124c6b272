import { describe, expect, it } from 'vitest';
import { Type, defineTask, defineTrigger, definePluginPackage, isSluiceError, type AnyTask } from '@sluice/core';
import { info, logTask, testPackage, testRegistry, webhookTrigger } from '../../test/fixtures/test-plugins.js';
import { createRegistry } from './registry.js';
import { closest, editDistance } from './suggest.js';

const task = (type: string, aliases: string[] = []): AnyTask =>
  defineTask({
    type,
    aliases,
    title: type,
    description: 'A test task.',
    props: Type.Object({}, { additionalProperties: false }),
    output: Type.Object({}),
    examples: [{ title: 'x', flow: 'x' }],
    run: () => ({}),
  });

function duplicateError(build: () => unknown): { code: string; message: string; details: Readonly<Record<string, unknown>> } {
  try {
    build();
  } catch (error) {
    if (isSluiceError(error)) return error;
    throw error;
  }
  throw new Error('expected PLUGIN_DUPLICATE_TYPE');
}

describe('createRegistry', () => {
  it('resolves canonical types and aliases to the same canonical entry', () => {
    const registry = testRegistry();
    const log = registry.task('io.kestra.plugin.core.log.Log');
    expect(log?.type).toBe('io.kestra.plugin.core.log.Log');
    expect(registry.task('io.kestra.core.tasks.log.Log')).toBe(log);
    expect(registry.isAlias('io.kestra.core.tasks.log.Log')).toBe(true);
    expect(registry.isAlias('io.kestra.plugin.core.log.Log')).toBe(false);
    expect(registry.isAlias('nope.Nope')).toBe(false);
    expect(registry.trigger('io.kestra.core.models.triggers.types.Webhook')?.type).toBe('io.kestra.plugin.core.trigger.Webhook');
    expect(registry.task('io.kestra.plugin.core.trigger.Webhook')).toBeUndefined();
    expect(registry.tasks().map((t) => t.type)).toEqual(['io.kestra.plugin.core.log.Log', 'dev.sluice.test.Request']);
    expect(registry.triggers().map((t) => [t.kind, t.type])).toEqual([['trigger', 'io.kestra.plugin.core.trigger.Webhook']]);
  });

  it('records what each package really declares', () => {
    const [pkg] = testRegistry().packages();
    expect(pkg?.types).toEqual(['io.kestra.plugin.core.log.Log', 'dev.sluice.test.Request', 'io.kestra.plugin.core.trigger.Webhook']);
    expect(testRegistry().task('dev.sluice.test.Request')?.package).toEqual(pkg);
  });

  it('refuses one type in two packages, naming both', () => {
    const error = duplicateError(() =>
      createRegistry([
        { pkg: testPackage, info: info('first') },
        { pkg: definePluginPackage({ tasks: [logTask] }), info: info('second') },
      ]),
    );
    expect(error.code).toBe('PLUGIN_DUPLICATE_TYPE');
    expect(error.message).toBe("type 'io.kestra.plugin.core.log.Log' is declared by both 'first' and 'second'; remove one of the packages");
    expect(error.details).toMatchObject({ type: 'io.kestra.plugin.core.log.Log', package: 'second', packages: ['first', 'second'] });
  });

  it('refuses an alias colliding with a type, and a task colliding with a trigger', () => {
    const aliasClash = duplicateError(() =>
      createRegistry([
        { pkg: testPackage, info: info('first') },
        { pkg: definePluginPackage({ tasks: [task('dev.other.Log', ['io.kestra.plugin.core.log.Log'])] }), info: info('second') },
      ]),
    );
    expect(aliasClash.details).toMatchObject({ type: 'io.kestra.plugin.core.log.Log', packages: ['first', 'second'] });

    const kindClash = duplicateError(() =>
      createRegistry([
        { pkg: testPackage, info: info('first') },
        { pkg: definePluginPackage({ tasks: [task(webhookTrigger.type)] }), info: info('second') },
      ]),
    );
    expect(kindClash.code).toBe('PLUGIN_DUPLICATE_TYPE');
    expect(kindClash.details).toMatchObject({ type: 'io.kestra.plugin.core.trigger.Webhook' });
  });

  it('refuses a type declared twice by one package', () => {
    const error = duplicateError(() => createRegistry([{ pkg: definePluginPackage({ tasks: [task('dev.a.B'), task('dev.a.B')] }), info: info('solo') }]));
    expect(error.details).toMatchObject({ packages: ['solo', 'solo'] });
  });

  it('reports a schema TypeBox cannot compile with PLUGIN_INVALID_SCHEMA naming its package', () => {
    const odd = defineTrigger({
      mode: 'webhook',
      type: 'dev.odd.Hook',
      title: 'Odd',
      description: 'Uses an unregistered kind.',
      props: Type.Object({ key: Type.Unsafe<string>({ description: 'Unregistered.', type: 'string' }) }, { additionalProperties: false }),
      variables: Type.Object({}),
      examples: [{ title: 'x', flow: 'x' }],
      receive: () => ({ kind: 'not-matched' }),
    });
    const error = duplicateError(() => createRegistry([{ pkg: definePluginPackage({ triggers: [odd] }), info: info('odd') }]));
    expect(error.code).toBe('PLUGIN_INVALID_SCHEMA');
    expect(error.details).toMatchObject({ package: 'odd', type: 'dev.odd.Hook' });
  });

  it('loads poll and listen triggers, which the host runs, and refuses a mode it does not know, naming the package and mode', () => {
    const base = {
      title: 'Idle',
      description: 'A trigger nothing would drive.',
      props: Type.Object({}, { additionalProperties: false }),
      variables: Type.Object({}),
      examples: [{ title: 'x', flow: 'x' }],
    };
    const poll = defineTrigger({ ...base, mode: 'poll', type: 'dev.idle.Poll', interval: () => 1000, poll: async () => ({ starts: [], cursor: undefined }) });
    const listen = defineTrigger({ ...base, mode: 'listen', type: 'dev.idle.Listen', listen: async () => async () => {} });
    const registry = createRegistry([{ pkg: definePluginPackage({ triggers: [poll, listen] }), info: info('idle') }]);
    expect(registry.trigger('dev.idle.Poll')?.definition.mode).toBe('poll');
    expect(registry.trigger('dev.idle.Listen')?.definition.mode).toBe('listen');
    // A package built against a newer contract may declare a mode this host has never heard of.
    const stream = Object.freeze({ ...poll, type: 'dev.idle.Stream', mode: 'stream' }) as unknown as typeof poll;
    const error = duplicateError(() => createRegistry([{ pkg: { ...definePluginPackage({ triggers: [] }), triggers: [stream] }, info: info('idle') }]));
    expect(error.code).toBe('PLUGIN_MODE_UNSUPPORTED');
    expect(error.message).toBe(`plugin package 'idle' declares trigger 'dev.idle.Stream' in mode 'stream', which this host does not run yet (it runs webhook, schedule, flow, poll and listen)`);
    expect(error.details).toMatchObject({ package: 'idle', type: 'dev.idle.Stream', mode: 'stream' });
  });
});

describe('suggest', () => {
  const registry = testRegistry();

  it('finds the type behind a typo, a wrong case or a bare last segment', () => {
    expect(registry.suggest('io.kestra.plugin.core.log.Logg')).toEqual(['io.kestra.plugin.core.log.Log']);
    expect(registry.suggest('io.kestra.plugin.core.log.log')[0]).toBe('io.kestra.plugin.core.log.Log');
    expect(registry.suggest('Log')).toEqual(['io.kestra.plugin.core.log.Log']);
    expect(registry.suggest('io.kestra.plugin.core.trigger.Webhok')).toEqual(['io.kestra.plugin.core.trigger.Webhook']);
  });

  it('answers an alias match with the canonical type, once', () => {
    expect(registry.suggest('io.kestra.core.tasks.log.Logs')).toEqual(['io.kestra.plugin.core.log.Log']);
  });

  it('suggests nothing for a name far from every type, and honours the limit', () => {
    expect(registry.suggest('com.example.SendEmail')).toEqual([]);
    expect(registry.suggest('Log', 0)).toEqual([]);
  });
});

describe('edit distance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
    expect(editDistance('Log', 'Logg')).toBe(1);
  });

  it('ranks closer names first and alphabetically on ties', () => {
    expect(closest('a.b.Cat', ['a.b.Cut', 'a.b.Cat', 'a.b.Bat', 'z.z.Zebra'], 5)).toEqual(['a.b.Cat', 'a.b.Bat', 'a.b.Cut']);
  });
});
