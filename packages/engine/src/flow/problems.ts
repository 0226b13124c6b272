import type { Flow } from './flow.types.js';

/**
 * One thing wrong with a flow's YAML: a stable `code` (`FLOW_*`, `PLUGIN_UNKNOWN_TYPE`), the
 * `path` of the value (`tasks[0].message`, empty for the whole document), a sentence, and the
 * 1-based position an editor should point at: the key of an unknown or duplicated property,
 * the mapping that lacks a required one, the value otherwise.
 */
export interface FlowProblem {
  readonly code: string;
  readonly path: string;
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

/**
 * A parsed flow with its warnings (what Kestra accepts but has deprecated, such as an input
 * declared with `name:`; empty for most flows), or every problem found in it.
 */
export type ParseResult =
  | { readonly ok: true; readonly flow: Flow; readonly warnings: readonly FlowProblem[] }
  | { readonly ok: false; readonly errors: readonly FlowProblem[] };

/** Options of `parseFlow` and `parseFlows`. */
export interface ParseFlowOptions {
  /** The tenant the flow belongs to; `main` by default, as in Kestra's open-source edition. */
  readonly tenantId?: string;
  /** Largest source accepted, in bytes (UTF-8); 1 MiB by default. */
  readonly maxBytes?: number;
  /** Deepest nesting of mappings and lists accepted; 64 by default. */
  readonly maxDepth?: number;
  /** Most alias expansions accepted while reading a document; 100 by default. */
  readonly maxAliasCount?: number;
}

/** Sorts problems in reading order, so they read like the file. */
export function byPosition(a: FlowProblem, b: FlowProblem): number {
  return a.line - b.line || a.column - b.column || a.path.localeCompare(b.path);
}
