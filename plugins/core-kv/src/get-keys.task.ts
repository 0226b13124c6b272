import { Dynamic, Type, defineTask, type Static } from '@sluice/core';
import { getKeysExamples } from './kv.examples.js';
import { NamespaceProp } from './kv.schema.js';

/** Props of the GetKeys task. */
export const GetKeysProps = Type.Object(
  {
    prefix: Type.Optional(Dynamic(Type.String({ maxLength: 255, description: 'Only the keys starting with this; all keys by default.' }))),
    namespace: NamespaceProp,
  },
  { additionalProperties: false },
);
/** Props of the GetKeys task, as `run` receives them. */
export type GetKeysProps = Static<typeof GetKeysProps>;

/** Kestra's output: the keys. */
export const GetKeysOutput = Type.Object({ keys: Type.Array(Type.String(), { description: 'The live keys, sorted.' }) }, { additionalProperties: false });

/**
 * `io.kestra.plugin.core.kv.GetKeys`: lists the keys of a namespace's key-value store.
 * @public
 */
export const kvGetKeys = defineTask({
  type: 'io.kestra.plugin.core.kv.GetKeys',
  title: 'List key-value keys',
  description: "Lists the live keys of the namespace's key-value store (the flow's namespace unless `namespace` is given) that start with `prefix`, sorted.",
  props: GetKeysProps,
  output: GetKeysOutput,
  examples: getKeysExamples,
  async run(ctx, props) {
    return { keys: [...(await ctx.kv.keys(props.namespace ?? ctx.ids.namespace, props.prefix))] };
  },
});
