import { describe, expect, it } from 'vitest';
import type { Execution } from '../model/execution.js';
import { envSecretValues } from '../secrets/index.js';
import { maskExecution, masksNothing } from './mask-execution.js';

const TOKEN = 'tok-3f9a-secret';

function execution(): Execution {
  const base = {
    tenantId: 'main', id: 'e1', namespace: 'n', flowId: 'f', flowRevision: 1, labels: [],
    state: { current: 'SUCCESS', histories: [] },
    inputs: { password: 'hunter22', user: 'ada', note: `uses ${TOKEN}`, empty: null },
    outputs: { header: `Bearer ${TOKEN}`, count: 2 },
    taskRunList: [{ id: 'r1', taskId: 't', outputs: { value: TOKEN, nested: [{ deep: `x${TOKEN}y` }, 3], other: 'plain' } }],
    trigger: { id: 'hook', type: 'io.kestra.plugin.core.trigger.Webhook', variables: { body: { token: TOKEN } } },
  };
  return base as unknown as Execution;
}

describe('maskExecution', () => {
  it('masks SECRET inputs whole, and secret values in outputs and other inputs wherever they appear', () => {
    const original = execution();
    const before = JSON.stringify(original);
    const masked = maskExecution(original, { secretValues: [TOKEN], inputs: [{ id: 'password', type: 'SECRET' }, { id: 'user', type: 'STRING' }] });
    expect(masked.inputs).toEqual({ password: '******', user: 'ada', note: 'uses ******', empty: null });
    expect(masked.outputs).toEqual({ header: 'Bearer ******', count: 2 });
    expect(masked.taskRunList[0]?.outputs).toEqual({ value: '******', nested: [{ deep: 'x******y' }, 3], other: 'plain' });
    // A SECRET input's value passed on by a task is masked too.
    const passed = maskExecution({ ...original, outputs: { echo: 'pw is hunter22' } }, { secretValues: [], inputs: [{ id: 'password', type: 'SECRET' }] });
    expect(passed.outputs).toEqual({ echo: 'pw is ******' });
    // What the caller sent is shown as sent; the execution itself is not changed.
    expect(masked.trigger?.variables).toEqual({ body: { token: TOKEN } });
    expect(JSON.stringify(original)).toBe(before);
  });

  it('says it masks nothing exactly when masking returns the execution as it is', () => {
    const original = execution();
    const cases = [
      { secretValues: [], inputs: [] },
      { secretValues: [], inputs: [{ id: 'user', type: 'STRING' }] },
      { secretValues: [], inputs: [{ id: 'password', type: 'secret' }] },
      { secretValues: [TOKEN], inputs: [{ id: 'user', type: 'STRING' }] },
    ];
    expect(cases.map((options) => masksNothing(options))).toEqual([true, true, false, false]);
    for (const options of cases) expect(maskExecution(original, options) === original).toBe(masksNothing(options));
  });

  it('reads the secret values of the environment, leaving out what is not base64', () => {
    const env = { SECRET_A: Buffer.from('value-a\n').toString('base64'), SECRET_BAD: 'not base64!', OTHER: 'x' };
    expect(envSecretValues(env)).toEqual(['value-a']);
  });
});
