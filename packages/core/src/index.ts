/**
 * `@sluice/core`: the plugin contract of Sluice.
 *
 * A plugin is a plain value: {@link defineTask} for a task, {@link defineFlowableTask} for a task
 * that runs other tasks (Sequential, If, ForEach), {@link defineTrigger} for a trigger,
 * grouped by {@link definePluginPackage} as a package's default export. Props are TypeBox
 * schemas (re-exported here as `Type`), so plugins depend on this package alone.
 *
 * @packageDocumentation
 */
export { PLUGIN_API_VERSION, type PluginApiVersion } from './api-version.js';
export { BRAND_KEY, TASK_BRAND, FLOWABLE_TASK_BRAND, TRIGGER_BRAND, PLUGIN_PACKAGE_BRAND, hasBrand, type Brand } from './brand.js';
export {
  SluiceError,
  isSluiceError,
  defineErrorCatalog,
  coreErrors,
  type SluiceErrorOptions,
  type ErrorCatalog,
  type ErrorTemplate,
} from './errors.js';
export { LOG_LEVELS, isLevelEnabled, pluginLoggerFrom, type LogLevel, type PluginLogger } from './log.js';
export type { FlowIds, TaskRunIds, TriggerIds, BaseContext, TaskContext, TriggerContext, KvAccess, KvSetOptions, KvValue, TaskStorage, FileContent, PutFileOptions, StoredFile } from './context.js';
export type { PluginExample, ExampleRequest, ExampleExpectation } from './example.js';
export { Type, Dynamic, renderedBy, DYNAMIC_KEYWORD, type DynamicOptions, type RenderedBy } from './schema.js';
export type { Static, TSchema, TObject, TProperties, TString, TUnion, TLiteral } from './schema.js';
export { defineTask, type TaskDefinition, type Task, type AnyTask } from './task.js';
export {
  defineFlowableTask,
  isFlowableTask,
  Tasks,
  TaskItem,
  isTasksSchema,
  isTaskItemSchema,
  TASKS_KEYWORD,
  type ChildTask,
  type PropsProblem,
  type FlowableBranch,
  type FlowablePlan,
  type FlowableWait,
  type FlowableExecution,
  type FlowableTaskDefinition,
  type FlowableTask,
  type AnyFlowableTask,
} from './flowable.js';
export {
  defineTrigger,
  type TriggerMode,
  type TriggerDefinition,
  type TriggerDefinitionBase,
  type Trigger,
  type AnyTrigger,
  type WebhookTrigger,
  type ScheduleTrigger,
  type PollTrigger,
  type ListenTrigger,
  type FlowEndTrigger,
  type EndedExecution,
  type WebhookRequest,
  type WebhookDecision,
  type WebhookResponsePolicy,
  type StartDecision,
  type SkipDecision,
  type WindowDecision,
  type TriggerWindowEntry,
  type FlowEndDecision,
  type InvalidDecision,
  type NotMatchedDecision,
  type ScheduleTick,
} from './trigger.js';
export { definePluginPackage, isPluginPackage, type PluginPackage, type PluginPackageDefinition } from './plugin-package.js';
export {
  EXPRESSION_CONDITION_TYPES,
  expressionConditionSchema,
  evaluateConditions,
  type ExpressionCondition,
  type ConditionVerdict,
} from './conditions.js';
export { renderTriggerInputs, type TriggerInputsResult } from './trigger-inputs.js';
export { hasLongNumbers, MAX_JSON_DEPTH, nestedDeeperThan, parseJson, stringifyJson } from './json.js';
export { DURATION_PATTERN, durationMs, parseDuration } from './duration.js';
export { passwordForms, redactSecrets } from './redact.js';
export { createSyncWorker, type SyncWorker, type SyncWorkerAnswer, type SyncWorkerOptions } from './sync-worker.js';
