import { defineErrorCatalog } from '@sluice/core';

/**
 * Every code the engine raises. One catalog, so codes stay unique and documented in one place.
 * Sections by area; add a code to its area's section, never reuse or renumber one.
 */
export const engineErrors = defineErrorCatalog({
  // Plugins: loading and registry.
  PLUGIN_NOT_FOUND: (name: string, from: string) => `plugin package '${name}' cannot be found from ${from}`,
  PLUGIN_IMPORT_FAILED: (name: string, reason: string) => `plugin package '${name}' failed to load: ${reason}`,
  PLUGIN_NO_MANIFEST: (name: string) => `package '${name}' has no "sluice" field in its package.json; add "sluice": { "apiVersion": 1 }`,
  PLUGIN_API_VERSION_UNSUPPORTED: (name: string, found: unknown, supported: number) =>
    `plugin package '${name}' needs plugin API version ${String(found)}, this host supports ${supported}`,
  PLUGIN_NOT_A_PACKAGE: (name: string) =>
    `the default export of '${name}' is not a plugin package; export definePluginPackage({ ... }) as default`,
  PLUGIN_DUPLICATE_TYPE: (type: string, first: string, second: string) =>
    `type '${type}' is declared by both '${first}' and '${second}'; remove one of the packages`,
  PLUGIN_UNKNOWN_TYPE: (type: string, suggestions: string) => `unknown type '${type}'${suggestions}`,
  PLUGIN_INVALID_SCHEMA: (name: string, reason: string) => `plugin package '${name}' has a schema that cannot be compiled: ${reason}`,
  /** A trigger whose mode the contract declares but no host part drives yet: refused at load, never accepted and left idle. */
  PLUGIN_MODE_UNSUPPORTED: (name: string, type: string, mode: string, supported: string) =>
    `plugin package '${name}' declares trigger '${type}' in mode '${mode}', which this host does not run yet (it runs ${supported})`,

  // Flows: parsing and validation.
  FLOW_YAML_SYNTAX: (message: string) => `YAML syntax error: ${message}`,
  FLOW_YAML_TOO_COMPLEX: (message: string) => `YAML refused: ${message}`,
  /** A tag outside the YAML core schema (`!!js/function`, `!!python/...`, `!custom`, `!!binary`): refused rather than dropped. */
  FLOW_YAML_UNKNOWN_TAG: (tag: string) => `unknown YAML tag '${tag}': only the core schema's tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are accepted`,
  /** YAML bytes that are not UTF-8: refused rather than saved with replacement characters. */
  FLOW_YAML_ENCODING: (byte: string) => `the source is not valid UTF-8 (byte 0x${byte})`,
  FLOW_INVALID: (count: number) => `the flow has ${count} error${count === 1 ? '' : 's'}`,
  FLOW_SCHEMA: (message: string) => message,
  FLOW_DUPLICATE_ID: (kind: string, id: string) => `Duplicate ${kind} id with name [${id}]`,
  FLOW_DUPLICATE_KEY: (key: string) => `duplicate key '${key}'`,
  FLOW_WRONG_KIND: (type: string, kind: string, section: string) => `'${type}' is a ${kind} type; it belongs under ${section}`,
  FLOW_INVALID_PROPS: (message: string) => message,
  FLOW_UNSUPPORTED: (message: string) => message,
  FLOW_DEPRECATED: (old: string, current: string) => `'${old}' is deprecated, use '${current}'; it is read as '${current}' for now`,

  // Expressions.
  EXPRESSION_SYNTAX: (message: string, expression: string, line: number, column: number) =>
    `${message} in '${expression}' at line ${line}, column ${column}`,
  EXPRESSION_UNDEFINED: (name: string, expression: string, line: number, column: number) =>
    `'${name}' is not defined in '${expression}' at line ${line}, column ${column}`,
  EXPRESSION_EVALUATION: (message: string, expression: string, line: number, column: number) =>
    `${message} in '${expression}' at line ${line}, column ${column}`,
  EXPRESSION_LIMIT: (message: string) => `expression limit reached: ${message}`,

  // Executions and the executor.
  EXECUTION_NOT_FOUND: (id: string) => `execution '${id}' not found`,
  EXECUTION_FLOW_NOT_FOUND: (key: string, revision: number) => `flow ${key} revision ${revision} not found`,
  EXECUTION_INPUTS_INVALID: (count: number) => `${count} input${count === 1 ? ' is' : 's are'} invalid`,
  EXECUTION_OUTPUTS_INVALID: (message: string) => `the flow outputs are invalid: ${message}`,
  TASK_PROPS_INVALID: (taskId: string, message: string) => `task '${taskId}': ${message}`,
  TASK_OUTPUT_INVALID: (taskId: string, message: string) => `task '${taskId}' returned an invalid output: ${message}`,
  TASK_TIMEOUT: (taskId: string, timeout: string) => `task '${taskId}' timed out after ${timeout}`,
  TASK_UNKNOWN_TYPE: (taskId: string, type: string) => `task '${taskId}' has type '${type}', which no loaded plugin provides`,
  TASK_PLAN_INVALID: (taskId: string, message: string) => `flowable task '${taskId}' made an invalid plan: ${message}`,
  EXECUTION_TOO_MANY_TASK_RUNS: (taskId: string, wanted: number, limit: number) =>
    `flowable task '${taskId}' would bring the execution to ${wanted} task runs, past the limit of ${limit}; split the work (a ForEach over fewer values, or several executions)`,
  SUBFLOW_TOO_DEEP: (taskId: string, flow: string, limit: number) =>
    `subflow task '${taskId}' would start ${flow} more than ${limit} subflows deep; does a flow call itself?`,

  // Secrets.
  SECRET_INVALID_ENCODING: (name: string, variable: string) => `secret '${name}' is not base64-encoded (${variable} must hold the value in base64)`,

  // The key-value store.
  KV_INVALID_KEY: (key: string) => `'${key}' is not a valid key-value key: a letter or digit, then letters, digits, '.', '_' or '-', at most 255 characters`,
  KV_INVALID_NAMESPACE: (namespace: string) => `'${namespace}' is not a valid namespace: lower case letters, digits, '.', '_' or '-', at most 150 characters`,
  KV_VALUE_TOO_LARGE: (key: string, size: number, limit: number) => `the value for key '${key}' is ${size} bytes as JSON, over the limit of ${limit}`,
  KV_KEY_NOT_FOUND: (key: string, namespace: string) => `kv(): no value for key '${key}' in namespace '${namespace}'; pass errorOnMissing=false to get null instead`,
  /** A key a render asked for only after the values read ahead changed its course more than the host follows. */
  KV_NOT_READ_AHEAD: (key: string) => `kv('${key}'): the key depends on other kv() values more deeply than the host reads ahead; read it with a kv.Get task first`,
  KV_INVALID_TTL: (ttlMs: number) => `a key-value TTL must be a positive number of milliseconds, got ${ttlMs}`,

  // Internal storage (files of executions) and the template functions that read the execution's data.
  /** A file name that is not one plain path segment. */
  STORAGE_INVALID_NAME: (name: string, why: string) => `'${name}' is not a valid file name in internal storage: ${why}`,
  STORAGE_INVALID_URI: (uri: string, why: string) => `'${uri}' is not an internal storage URI: ${why}`,
  /** A URI of another execution, or of namespace files, which Sluice does not serve. */
  STORAGE_FOREIGN_URI: (uri: string, executionId: string) =>
    `'${uri}' is not a file of execution '${executionId}': only the execution's own files can be read (namespace files and other executions' files are not available in Sluice)`,
  STORAGE_FILE_NOT_FOUND: (uri: string) => `no file in internal storage at '${uri}' (it may have been deleted with its execution)`,
  STORAGE_FILE_TOO_LARGE: (what: string, limit: number) => `${what} is larger than ${limit} bytes`,
  STORAGE_UNAVAILABLE: (what: string) => `internal storage is unavailable: ${what}`,
  /** read() met a URI the host did not read before the render (built from values only known while rendering). */
  READ_NOT_READ_AHEAD: (uri: string) => `read('${uri}'): the URI depends on values the host could not know before rendering; pass it from an output such as outputs.<taskId>.uri`,
  READ_TOO_MANY_FILES: (taskId: string, limit: number) => `read(): the templates of task '${taskId}' read more than ${limit} files`,
  /** read() of a file that is not UTF-8 text. */
  READ_NOT_TEXT: (uri: string) => `read('${uri}'): the file is not UTF-8 text`,

  // Runtimes.
  RUNTIME_UNAVAILABLE: (what: string) => `the store is unavailable: ${what}`,
  RUNTIME_DUPLICATE_EXECUTION: (id: string) => `execution '${id}' already exists`,
  RUNTIME_EXECUTION_CHANGED: (id: string) => `execution '${id}' is no longer the one this save was built on; nothing was saved`,
  RUNTIME_FLOW_REVISION_CONFLICT: (flow: string, expected: number, current: number) =>
    `flow ${flow} is at revision ${current}, not ${expected}: it changed since that revision was read; nothing was saved`,
});

export type EngineErrorCode = keyof typeof engineErrors.codes;
