import { Type, defineTask, type Static } from '@sluice/core';
import { kvErrors } from './errors.js';
import { getExamples } from './kv.examples.js';
import { ErrorOnMissingProp, KeyProp, NamespaceProp } from './kv.schema.js';

/** Props of the Get task. */
export const GetProps = Type.Object({ key: KeyProp, namespace: NamespaceProp, errorOnMissing: ErrorOnMissingProp }, { additionalProperties: false });
/** Props of the Get task, as `run` receives them. */
export type GetProps = Static<typeof GetProps>;

/** Kestra's output: `value`, absent when there is no entry. */
export const GetOutput = Type.Object(
  { value: Type.Optional(Type.Unknown({ description: 'The stored value; absent when the key has no live entry.' })) },
  { additionalProperties: false },
);

/**
 * `io.kestra.plugin.core.kv.Get`: reads an entry of the key-value store.
 * @public
 */
export const kvGet = defineTask({
  type: 'io.kestra.plugin.core.kv.Get',
  title: 'Get a key-value entry',
  description: "Reads the entry under `key` (in the flow's namespace unless `namespace` is given) as the output `value`; with `errorOnMissing: true`, a missing or expired entry fails the task.",
  props: GetProps,
  output: GetOutput,
  examples: getExamples,
  async run(ctx, props) {
    const namespace = props.namespace ?? ctx.ids.namespace;
    const found = await ctx.kv.get(namespace, props.key);
    if (found === undefined) {
      if (props.errorOnMissing === true) throw kvErrors.KV_KEY_NOT_FOUND(props.key, namespace);
      return {};
    }
    return { value: found.value };
  },
});
