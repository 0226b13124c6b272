import { describe, expect, it } from 'vitest';
import { Dynamic, Type, defineTask, definePluginPackage, defineTrigger, type PluginExample } from '@sluice/core';
import { runExamples } from './run-examples.js';

// Small plugins of our own: the kit must not depend on the first-party plugins it tests.
const echoFlow = (message: string, extra = '') => `id: echo
namespace: kit.test
${extra}
tasks:
  - id: say
    type: io.sluice.test.Echo
    message: "${message}"
`;

function echoTask(examples: readonly PluginExample[]) {
  return defineTask({
    type: 'io.sluice.test.Echo',
    aliases: ['io.sluice.test.OldEcho'],
    title: 'Echo',
    description: 'Logs its message; fails on "boom".',
    props: Type.Object({ message: Dynamic(Type.String({ description: 'What to log.' })) }, { additionalProperties: false }),
    output: Type.Object({}),
    examples,
    run(ctx, { message }) {
      if (message === 'boom') throw new Error('boom');
      ctx.logger.info(message);
      return {};
    },
  });
}

const hook = defineTrigger({
  mode: 'webhook',
  type: 'io.sluice.test.Hook',
  title: 'Hook',
  description: 'Starts on a matching key; skips when the body says skip.',
  props: Type.Object({ key: Dynamic(Type.String({ description: 'The key.' })) }, { additionalProperties: false }),
  variables: Type.Object({ body: Type.Unknown({ description: 'The JSON body.' }) }),
  examples: [
    {
      title: 'hook starts',
      flow: `id: hooked
namespace: kit.test
tasks:
  - id: say
    type: io.sluice.test.Echo
    message: "got {{ trigger.body.n }}"
triggers:
  - id: h
    type: io.sluice.test.Hook
    key: "{{ flow.id }}-key"
`,
      request: { body: { n: 1 } },
      expect: { status: 200, logs: [{ level: 'INFO', message: 'got 1' }], triggerVariables: { body: { n: 1 } } },
    },
    {
      title: 'hook skips',
      flow: `id: hooked
namespace: kit.test
tasks:
  - id: say
    type: io.sluice.test.Echo
    message: never
triggers:
  - id: h
    type: io.sluice.test.Hook
    key: k
`,
      request: { body: { skip: true } },
      expect: { status: 204 },
    },
  ],
  receive(_ctx, props, request) {
    if (props.key !== request.key) return { kind: 'not-matched' };
    const text = new TextDecoder().decode(request.body);
    const body: unknown = text === '' ? null : JSON.parse(text);
    if (typeof body === 'object' && body !== null && 'skip' in body) return { kind: 'skip', reason: 'asked to' };
    return { kind: 'start', variables: { body } };
  },
});

describe('runExamples', () => {
  it('runs task examples without a request and checks state and logs in order', async () => {
    const task = echoTask([
      { title: 'says hi', flow: echoFlow('hi {{ flow.namespace }}'), expect: { logs: [{ level: 'INFO', message: 'hi kit.test' }] } },
      { title: 'fails', flow: echoFlow('boom'), expect: { state: 'FAILED' } },
    ]);
    const results = await runExamples(task);
    expect(results.map((r) => [r.name, r.ok])).toEqual([
      ['io.sluice.test.Echo › says hi', true],
      ['io.sluice.test.Echo › fails', true],
    ]);
    expect(results[0]?.execution?.state.current).toBe('SUCCESS');
    expect(results[0]?.logs.map((l) => l.message)).toContain('hi kit.test');
  });

  it('passes the inputs an example declares, and finds secrets as written or upper-cased, as the server does', async () => {
    const task = echoTask([
      {
        title: 'reads an input and a secret',
        flow: echoFlow("{{ inputs.who }} {{ secret('api_key') }}", 'inputs:\n  - id: who\n    type: STRING'),
        expect: { logs: [{ level: 'INFO', message: 'Ada k3y' }] },
      },
      { title: 'declares no input', flow: echoFlow('plain'), expect: { logs: [{ level: 'INFO', message: 'plain' }] } },
    ]);
    const results = await runExamples(task, { inputs: { who: 'Ada' }, secrets: { API_KEY: 'k3y' } });
    expect(results.map((r) => r.ok)).toEqual([true, true]);
  });

  it('sends webhook requests through the dispatch, with the rendered key of the flow', async () => {
    const results = await runExamples(hook, { packages: [definePluginPackage({ tasks: [echoTask([{ title: 't', flow: echoFlow('x') }])] })] });
    expect(results.map((r) => [r.status, r.ok, r.execution === undefined])).toEqual([
      [200, true, false],
      [204, true, true],
    ]);
  });

  it('throws one readable error listing every failure', async () => {
    const task = echoTask([
      { title: 'wrong state', flow: echoFlow('boom') },
      { title: 'wrong log', flow: echoFlow('hello'), expect: { logs: [{ level: 'WARN', message: 'hello' }] } },
      { title: 'fine', flow: echoFlow('ok') },
    ]);
    const error = await runExamples(task).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/^2 of 3 examples failed:/);
    expect(message).toContain('✗ io.sluice.test.Echo › wrong state');
    expect(message).toContain('expected state SUCCESS, got FAILED');
    expect(message).toContain('✗ io.sluice.test.Echo › wrong log');
    expect(message).toContain('missing log line WARN "hello"');
    expect(message).not.toContain('› fine');
  });

  it('reports an invalid flow with its path and position, and a flow that does not use the plugin', async () => {
    const task = echoTask([
      { title: 'typo', flow: echoFlow('x').replace('message:', 'mesage:') },
      { title: 'unrelated', flow: 'id: other\nnamespace: kit.test\ntasks: []\n' },
    ]);
    const results = await runExamples(task, { throwOnFailure: false });
    expect(results[0]?.ok).toBe(false);
    expect(results[0]?.failures.join('\n')).toMatch(/flow invalid at tasks\[0\].* \(line \d+, column \d+\)/);
    expect(results[1]?.failures).toContain('the flow does not use io.sluice.test.Echo');
  });

  it('reports a wrong status and trigger variables that differ', async () => {
    const [start] = hook.examples;
    const wrong = defineTrigger({
      ...hook,
      examples: [
        { ...start!, title: 'expects 204', expect: { status: 204 } },
        { ...start!, title: 'wrong variables', expect: { triggerVariables: { body: { n: 2 } }, logs: [{ level: 'INFO', message: 'got 1' }] } },
      ],
    });
    const results = await runExamples(wrong, { throwOnFailure: false, packages: [definePluginPackage({ tasks: [echoTask([{ title: 't', flow: echoFlow('x') }])] })] });
    expect(results[0]?.failures).toEqual(['expected status 204, got 200 (start)']);
    expect(results[1]?.failures[0]).toBe('trigger variables: trigger.body.n: expected 2, got 1');
  });

  it('counts a package passed again among the extras once', async () => {
    const pkg = definePluginPackage({ tasks: [echoTask([{ title: 'once', flow: echoFlow('x') }])] });
    await expect(runExamples(pkg, { packages: [pkg] })).resolves.toHaveLength(1);
  });
});
