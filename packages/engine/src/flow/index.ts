/**
 * Flows: YAML parsing with positions, validation against the envelope and the plugins' props
 * schemas, and the flow JSON Schema for editors.
 */
export type { FlowProblem, ParseResult, ParseFlowOptions } from './problems.js';
export { parseFlow, parseFlows } from './parse.js';
export { decodeFlowSource } from './flow-bytes.js';
export { flowJsonSchema, writeFlowJsonSchema } from './json-schema.js';
export { byNamespaceAndId } from './flow-order.js';
export { READ_ONLY_LABEL, isReadOnly } from './labels.js';
export { RevisionCache } from './revision-cache.js';
