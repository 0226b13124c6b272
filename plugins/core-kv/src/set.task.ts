import { Dynamic, DURATION_PATTERN, Type, defineTask, durationMs, type Static } from '@sluice/core';
import { kvErrors } from './errors.js';
import { setExamples } from './kv.examples.js';
import { KeyProp, NamespaceProp } from './kv.schema.js';
import { coerceKvValue, KV_TYPES } from './kv-type.js';

/** Props of the Set task. */
export const SetProps = Type.Object(
  {
    key: KeyProp,
    value: Dynamic(Type.Unknown({ description: 'The value: any YAML value; templates in its strings are rendered. Stored as rendered unless `kvType` says otherwise.' })),
    namespace: NamespaceProp,
    overwrite: Type.Optional(Type.Boolean({ default: true, description: 'Replace an existing entry; with false, the task fails when the key exists.' })),
    ttl: Type.Optional(Dynamic(Type.String({ pattern: DURATION_PATTERN, description: 'Delete the entry after this ISO-8601 duration (PT1H, P7D); never by default.' }))),
    kvType: Type.Optional(Type.Union(KV_TYPES.map((t) => Type.Literal(t)), { description: 'Read the value as this type before storing it (a number from "42", JSON from its text, ...).' })),
    kvDescription: Type.Optional(Dynamic(Type.String({ maxLength: 1000, description: 'What the entry is, kept with it.' }))),
  },
  { additionalProperties: false },
);
/** Props of the Set task, as `run` receives them. */
export type SetProps = Static<typeof SetProps>;

/** No output values, as Kestra's Set. */
export const SetOutput = Type.Object({}, { additionalProperties: false, description: 'No output values.' });

/**
 * `io.kestra.plugin.core.kv.Set`: writes an entry of the key-value store.
 * @public
 */
export const kvSet = defineTask({
  type: 'io.kestra.plugin.core.kv.Set',
  title: 'Set a key-value entry',
  description:
    "Writes `value` under `key` in the namespace's key-value store (the flow's namespace unless `namespace` is given), " +
    'replacing an existing entry unless `overwrite: false`, expiring after `ttl` when set. Other executions and flows read it with `kv.Get` or `{{ kv(\'key\') }}`.',
  props: SetProps,
  output: SetOutput,
  examples: setExamples,
  async run(ctx, props) {
    const namespace = props.namespace ?? ctx.ids.namespace;
    let ttlMs: number | undefined;
    if (props.ttl !== undefined) {
      ttlMs = durationMs(props.ttl);
      if (ttlMs === undefined || ttlMs <= 0) throw kvErrors.KV_INVALID_TTL(props.ttl);
    }
    const value = coerceKvValue(props.key, props.value, props.kvType);
    const stored = await ctx.kv.set(namespace, props.key, value, {
      overwrite: props.overwrite ?? true,
      ...(ttlMs === undefined ? {} : { ttlMs }),
      ...(props.kvType === undefined ? {} : { type: props.kvType }),
      ...(props.kvDescription === undefined ? {} : { description: props.kvDescription }),
    });
    if (!stored) throw kvErrors.KV_KEY_EXISTS(props.key);
    return {};
  },
});
