import { Type, defineTask, type Static } from '@sluice/core';
import { kvErrors } from './errors.js';
import { deleteExamples } from './kv.examples.js';
import { ErrorOnMissingProp, KeyProp, NamespaceProp } from './kv.schema.js';

/** Props of the Delete task. */
export const DeleteProps = Type.Object({ key: KeyProp, namespace: NamespaceProp, errorOnMissing: ErrorOnMissingProp }, { additionalProperties: false });
/** Props of the Delete task, as `run` receives them. */
export type DeleteProps = Static<typeof DeleteProps>;

/** Kestra's output: whether an entry was deleted. */
export const DeleteOutput = Type.Object({ deleted: Type.Boolean({ description: 'True when a live entry was deleted.' }) }, { additionalProperties: false });

/**
 * `io.kestra.plugin.core.kv.Delete`: deletes an entry of the key-value store.
 * @public
 */
export const kvDelete = defineTask({
  type: 'io.kestra.plugin.core.kv.Delete',
  title: 'Delete a key-value entry',
  description: "Deletes the entry under `key` (in the flow's namespace unless `namespace` is given); `deleted` says whether there was one. With `errorOnMissing: true`, a missing entry fails the task.",
  props: DeleteProps,
  output: DeleteOutput,
  examples: deleteExamples,
  async run(ctx, props) {
    const namespace = props.namespace ?? ctx.ids.namespace;
    const deleted = await ctx.kv.delete(namespace, props.key);
    if (!deleted && props.errorOnMissing === true) throw kvErrors.KV_KEY_NOT_FOUND(props.key, namespace);
    return { deleted };
  },
});
