// Test poll and listen triggers over in-process event sources, for the trigger runners' tests.
import { Type, definePluginPackage, defineTrigger, type StartDecision } from '@sluice/core';
import { createRegistry, type PluginRegistry } from '@sluice/engine';
import { LOG_PLUGIN } from './flows.js';

/** Events of one source: the poll trigger reads them by offset, the listen trigger gets them pushed. */
export interface TestSource {
  readonly events: { id: string; n: number }[];
  /** Set to make the next polls or listens throw this message. */
  failWith?: string;
  /** Every poll, with the tag of the registry that made it and the cursor it got. */
  readonly polls: { tag: string; cursor: unknown }[];
  /** Listen side: the emitter of the running listener, if any. */
  listener?: { emit: (start: StartDecision) => Promise<void>; fail: (error: unknown) => void; warn: (message: string) => void; reject: (reason: string) => void; signal: AbortSignal; tag: string };
  readonly listens: string[];
  stops: number;
  /** Ids acknowledged after their emit resolved. */
  readonly acked: string[];
}

const sources = new Map<string, TestSource>();

/** A fresh named source. */
export function testSource(name: string): TestSource {
  const source: TestSource = { events: [], polls: [], listens: [], stops: 0, acked: [] };
  sources.set(name, source);
  return source;
}

const props = Type.Object({
  source: Type.String({ description: 'The name of the in-process source.' }),
  intervalMs: Type.Optional(Type.Integer({ minimum: 1, description: 'Milliseconds between polls.' })),
  batch: Type.Optional(Type.Integer({ minimum: 1, description: 'Events per poll at most.' })),
  keyed: Type.Optional(Type.Boolean({ description: 'Give each start the event id as its key.' })),
}, { additionalProperties: false });
const variables = Type.Object({ id: Type.String({ description: 'The event id.' }), n: Type.Number({ description: 'The event number.' }) });
const example = { title: 'x', flow: 'id: x\nnamespace: x\ntasks: []' };

/** A registry with the test triggers (each poll and listen records `tag`) and the Log task. */
export function testTriggerRegistry(tag: string): PluginRegistry {
  const poll = defineTrigger({
    mode: 'poll', type: 'io.sluice.test.Poll', title: 'Test poll', description: 'Polls an in-process source.', props, variables, examples: [example],
    interval: (p) => p.intervalMs ?? 50,
    async poll(ctx, p, cursor) {
      const source = sources.get(p.source) as TestSource;
      source.polls.push({ tag, cursor });
      if (source.failWith) throw new Error(source.failWith);
      const from = typeof cursor === 'number' ? cursor : 0;
      const slice = source.events.slice(from, from + (p.batch ?? 1000));
      // An event with a negative number stands for a message that does not decode.
      for (const e of slice) if (e.n < 0) ctx.reject(`event ${e.id} does not decode`);
      const starts = slice.filter((e) => e.n >= 0).map((e): StartDecision<{ id: string; n: number }> => ({ kind: 'start', variables: e, ...(p.keyed === false ? {} : { key: e.id }) }));
      return { starts, cursor: from + slice.length };
    },
  });
  const listen = defineTrigger({
    mode: 'listen', type: 'io.sluice.test.Listen', title: 'Test listen', description: 'Listens to an in-process source.', props, variables, examples: [example],
    async listen(ctx, p, emit, fail) {
      const source = sources.get(p.source) as TestSource;
      source.listens.push(tag);
      if (source.failWith) throw new Error(source.failWith);
      source.listener = {
        emit: async (start: StartDecision) => {
          await emit(start as StartDecision<{ id: string; n: number }>);
          source.acked.push((start.variables as { id: string }).id);
        },
        fail: (error: unknown) => fail?.(error), warn: (message: string) => ctx.logger.warn(message), reject: (reason: string) => ctx.reject(reason), signal: ctx.signal, tag,
      };
      return async () => {
        source.stops++;
        source.listener = undefined;
      };
    },
  });
  return createRegistry([
    { pkg: definePluginPackage({ triggers: [poll, listen] }), info: { name: 'test-triggers', version: '0', path: '', types: [poll.type, listen.type] } },
    LOG_PLUGIN,
  ]);
}

/** A flow with one trigger of `type` on `source`. */
export function triggerFlow(id: string, type: 'Poll' | 'Listen', source: string, more = ''): string {
  return `id: ${id}
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "event {{ trigger.id }}"
triggers:
  - id: t
    type: io.sluice.test.${type}
    source: ${source}
${more}`;
}
