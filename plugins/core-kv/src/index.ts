/**
 * `@sluice/plugin-core-kv`: Kestra's `io.kestra.plugin.core.kv.*` tasks on the host's key-value
 * store (`ctx.kv`): Set, Get, GetKeys and Delete.
 *
 * @packageDocumentation
 */
import { definePluginPackage } from '@sluice/core';
import { kvDelete } from './delete.task.js';
import { kvGetKeys } from './get-keys.task.js';
import { kvGet } from './get.task.js';
import { kvSet } from './set.task.js';

export { kvSet, SetProps, SetOutput } from './set.task.js';
export { kvGet, GetProps, GetOutput } from './get.task.js';
export { kvDelete, DeleteProps, DeleteOutput } from './delete.task.js';
export { kvGetKeys, GetKeysProps, GetKeysOutput } from './get-keys.task.js';
export { coerceKvValue, KV_TYPES, type KvType } from './kv-type.js';
export { kvErrors } from './errors.js';

export default definePluginPackage({ tasks: [kvSet, kvGet, kvGetKeys, kvDelete] });
