import { Value } from '@sinclair/typebox/value';
import type { AnyTrigger, PluginExample, TriggerContext } from '@sluice/core';
import { parse } from 'yaml';

// The envelope keys the host takes before the plugin sees a trigger's props (engine's envelope.ts).
const ENVELOPE = new Set(['id', 'type', 'description', 'disabled', 'labels', 'logLevel', 'minLogLevel', 'workerGroup', 'stopAfter', 'logToFile']);

interface ExampleFlow {
  tasks: { type: string; message?: string }[];
  triggers: Record<string, unknown>[];
}

/**
 * The example's trigger props as the host would hand them over: checked against the props
 * schema and the trigger's `check` as at save (the problems are returned), then with their
 * templates rendered. The engine's own flow parser refuses the listen and poll modes until the
 * host runs them, hence this stand-in.
 */
export function exampleProps(example: PluginExample, trigger: AnyTrigger, ctx: TriggerContext): { props: Record<string, unknown>; problems: string[] } {
  const flow = parse(example.flow) as ExampleFlow;
  const item = flow.triggers.find((t) => t.type === trigger.type);
  if (item === undefined) return { props: {}, problems: [`the flow has no ${trigger.type} trigger`] };
  const props = Object.fromEntries(Object.entries(item).filter(([key]) => !ENVELOPE.has(key)));
  const problems = [...Value.Errors(trigger.props, props)].map((e) => `${e.path}: ${e.message}`);
  if (problems.length === 0) problems.push(...(trigger.check?.(props as never) ?? []).map((p) => `${p.path.join('.')}: ${p.message}`));
  const rendered = Object.fromEntries(Object.entries(props).map(([key, value]) => [key, typeof value === 'string' ? ctx.render(value) : value]));
  return { props: rendered, problems };
}

/** The message of the flow's first Log task, rendered with `trigger.*` as the execution would render it. */
export function renderLog(example: PluginExample, ctx: TriggerContext, trigger: unknown): string | undefined {
  const flow = parse(example.flow) as ExampleFlow;
  const message = flow.tasks.find((t) => t.type === 'io.kestra.plugin.core.log.Log')?.message;
  return message === undefined ? undefined : ctx.render(message, { trigger });
}

/** `value` with every string under a `topic` key prefixed, for topics unique to a test run. */
export function prefixTopics<T>(value: T, prefix: string): T {
  if (Array.isArray(value)) return value.map((v: unknown) => prefixTopics(v, prefix)) as T;
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, key === 'topic' ? (Array.isArray(v) ? v.map((t: string) => `${prefix}/${t}`) : `${prefix}/${String(v)}`) : prefixTopics(v, prefix)]),
    ) as T;
  }
  return value;
}
