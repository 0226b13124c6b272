// @ts-check
/** `sluice-plugin-inbox`: the entry point Sluice's loader imports. */
import { definePluginPackage } from '@sluice/core';
import { newFilesTrigger } from './inbox.trigger.js';

export { newFilesTrigger, NewFilesProps, NewFilesVariables, MIN_INTERVAL_MS } from './inbox.trigger.js';
export { inboxErrors } from './errors.js';

export default definePluginPackage({ triggers: [newFilesTrigger] });
