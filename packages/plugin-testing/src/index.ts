/**
 * `@sluice/plugin-testing`: what a plugin author needs to test a Sluice plugin without a
 * server: mock contexts for calling `run` and `receive` directly, a builder of webhook
 * requests, and `runExamples`, which runs a plugin's YAML examples through the engine.
 *
 * @packageDocumentation
 */
export { createTaskContext, createTestKv, type TaskContextOptions, type MockTaskContext } from './task-context.js';
export { createTriggerContext, type TriggerContextOptions, type MockTriggerContext } from './trigger-context.js';
export type { MockContextOptions, MockContextControls } from './base-context.js';
export { createRecordingLogger, type RecordedLog } from './recording-logger.js';
export { webhookRequest, type WebhookRequestOptions } from './webhook-request.js';
export { runExamples, type RunExamplesOptions, type ExampleResult } from './run-examples.js';
export type { ExampleTarget } from './example-registry.js';
export { validateFlow, type ValidateFlowOptions } from './validate-flow.js';
export { subsetDifferences, missingLog } from './expectations.js';
