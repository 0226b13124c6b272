import { describe, expect, it } from 'vitest';
import {
  BRAND_KEY, DYNAMIC_KEYWORD, Dynamic, Type, defineErrorCatalog, definePluginPackage, defineTask, defineTrigger,
  evaluateConditions, isPluginPackage, isSluiceError, pluginLoggerFrom, renderTriggerInputs, renderedBy,
} from './index.js';

const example = [{ title: 'e', flow: 'id: f\nnamespace: n\ntasks: []\n' }];
const props = Type.Object({ name: Dynamic(Type.String({ description: 'Who.' })) }, { additionalProperties: false });
const task = (overrides: Record<string, unknown> = {}) =>
  defineTask({ type: 'com.example.Hello', title: 't', description: 'd', props, output: Type.Object({}), examples: example, run: () => ({}), ...overrides });

describe('defineTask', () => {
  it('brands a valid definition and freezes it', () => {
    const t = task();
    expect(t[BRAND_KEY]).toBe('sluice.task');
    expect(Object.isFrozen(t)).toBe(true);
  });

  it.each([
    ['a type that is not dotted', { type: 'Hello' }, '`type` must be a dotted name'],
    ['props allowing unknown keys', { props: Type.Object({ a: Type.String({ description: 'x' }) }) }, 'additionalProperties: false'],
    ['a prop without a description', { props: Type.Object({ a: Type.String() }, { additionalProperties: false }) }, 'prop `a` needs a description'],
    ['no example', { examples: [] }, 'at least one example'],
    ['no run function', { run: undefined }, 'run(ctx, props)'],
    ['a sideEffectFree that is not a boolean', { sideEffectFree: 'yes' }, '`sideEffectFree` must be true or false'],
  ])('refuses %s with CORE_INVALID_DEFINITION', (_what, overrides, message) => {
    try {
      task(overrides);
      expect.unreachable();
    } catch (error) {
      expect(isSluiceError(error) && error.code).toBe('CORE_INVALID_DEFINITION');
      expect((error as Error).message).toContain(message);
    }
  });
});

describe('defineTrigger', () => {
  const base = { type: 'com.example.Hook', title: 't', description: 'd', props, variables: Type.Object({}), examples: example };

  it('refuses a mode it does not know, and a mode without its methods', () => {
    expect(() => defineTrigger({ ...base, mode: 'websocket', receive: () => ({ kind: 'not-matched' }) } as never)).toThrow(/`mode` must be one of/);
    expect(() => defineTrigger({ ...base, mode: 'schedule', fire: () => ({ kind: 'skip', reason: '' }) } as never)).toThrow(/needs a nextDate\(\) function/);
  });
});

describe('definePluginPackage', () => {
  it('stamps the API version and a brand checked without instanceof', () => {
    const pkg = definePluginPackage({ tasks: [task()] });
    expect(pkg.apiVersion).toBe(1);
    expect(isPluginPackage(pkg)).toBe(true);
    expect(isPluginPackage({ ...pkg })).toBe(true);
    expect(isPluginPackage({ tasks: [] })).toBe(false);
  });

  it('refuses a task that was not made by defineTask', () => {
    expect(() => definePluginPackage({ tasks: [{ type: 'x.Y' } as never] })).toThrow(/not made by defineTask/);
  });
});

describe('Dynamic', () => {
  it('marks who renders a prop, keeping the schema', () => {
    const host = Dynamic(Type.Integer({ description: 'n' }));
    expect(renderedBy(host)).toBe('host');
    expect(renderedBy(Dynamic(Type.String(), { renderedBy: 'plugin' }))).toBe('plugin');
    expect(renderedBy(Type.String())).toBeUndefined();
    expect((host as Record<string, unknown>)[DYNAMIC_KEYWORD]).toBe('host');
    expect(host.type).toBe('integer');
  });
});

describe('defineErrorCatalog', () => {
  it('makes coded errors from templates, with options', () => {
    const errors = defineErrorCatalog({ X_BAD: (what: string) => `bad ${what}` });
    const error = errors.X_BAD('thing', { retryable: true, details: { path: 'a' } });
    expect(error.code).toBe('X_BAD');
    expect(error.message).toBe('bad thing');
    expect(error.retryable).toBe(true);
    expect(error.details).toEqual({ path: 'a' });
    expect(errors.codes.X_BAD).toBe('X_BAD');
  });

  it('isSluiceError tells a coded error, and with a code, that code only', () => {
    const error = defineErrorCatalog({ X_BAD: () => 'bad' }).X_BAD();
    expect(isSluiceError(error)).toBe(true);
    expect(isSluiceError(error, 'X_BAD')).toBe(true);
    expect(isSluiceError(error, 'X_OTHER')).toBe(false);
    expect(isSluiceError(new Error('plain'), 'X_BAD')).toBe(false);
    expect(isSluiceError(Object.assign(new Error('look-alike'), { code: 'X_BAD' }), 'X_BAD')).toBe(false);
    expect(isSluiceError(null)).toBe(false);
  });
});

describe('trigger helpers', () => {
  // A stand-in for the host's expression engine: enough to see what the helpers pass it.
  const ctx = {
    test: (template: string, extra?: Readonly<Record<string, unknown>>) => {
      if (template === 'boom') throw new Error('cannot evaluate');
      return template === `ok ${String((extra?.trigger as { v?: unknown } | undefined)?.v)}`;
    },
    render: (template: string, extra?: Readonly<Record<string, unknown>>) => {
      if (template === 'boom') throw new Error('cannot render');
      return template.replace('{{v}}', String((extra?.trigger as { v?: unknown } | undefined)?.v));
    },
  };

  it('evaluateConditions: all conditions then `when` must hold; one that fails to evaluate is false', () => {
    const extra = { trigger: { v: 1 } };
    expect(evaluateConditions(ctx, [{ expression: 'ok 1' }], 'ok 1', extra)).toEqual({ ok: true });
    expect(evaluateConditions(ctx, [{ expression: 'ok 1' }, { expression: 'no' }], undefined, extra)).toEqual({ ok: false, reason: 'conditions[1] is false' });
    expect(evaluateConditions(ctx, [], 'no', extra)).toEqual({ ok: false, reason: 'when is false' });
    expect(evaluateConditions(ctx, [{ expression: 'boom' }], undefined, extra)).toEqual({ ok: false, reason: 'conditions[0] could not be evaluated: cannot evaluate' });
  });

  it('renderTriggerInputs: renders every string deep inside, and reports every input that fails', () => {
    const extra = { trigger: { v: 7 } };
    expect(renderTriggerInputs(ctx, { a: '{{v}}', b: { c: ['{{v}}', 2, null] } }, extra)).toEqual({ ok: true, inputs: { a: '7', b: { c: ['7', 2, null] } } });
    expect(renderTriggerInputs(ctx, { a: 'boom', b: 'fine', c: ['boom'] }, extra)).toEqual({
      ok: false,
      errors: [{ path: 'inputs.a', message: 'cannot render' }, { path: 'inputs.c', message: 'cannot render' }],
    });
  });
});

describe('pluginLoggerFrom', () => {
  it('routes every level method through the one log function', () => {
    const lines: string[] = [];
    const logger = pluginLoggerFrom((level, message) => lines.push(`${level} ${message}`));
    logger.trace('a');
    logger.debug('b');
    logger.info('c');
    logger.warn('d');
    logger.error('e');
    logger.log('INFO', 'f');
    expect(lines).toEqual(['TRACE a', 'DEBUG b', 'INFO c', 'WARN d', 'ERROR e', 'INFO f']);
  });
});
