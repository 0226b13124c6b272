export { createExecution, type CreateExecutionInput } from './create-execution.js';
export { executionToJson, webhookResponseJson, executionUrl } from './execution-json.js';
export { readInputs, type InputError, type InputsResult } from './inputs.js';
export { coercerFor, INPUT_TYPES, type Coerced } from './input-types.js';
export { executionLabels, labelsVariable, CORRELATION_ID_LABEL, FROM_LABEL, SYSTEM_PREFIX } from './labels.js';
export { parseIsoDuration } from './iso-duration.js';
export { maskExecution, type MaskOptions } from './mask-execution.js';
