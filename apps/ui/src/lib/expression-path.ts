/** One step into a value: an object key or an array index. */
export type PathStep = string | number;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Words the expression language reads as operators or literals, never as a property name.
const RESERVED = new Set(['and', 'or', 'not', 'is', 'in', 'contains', 'true', 'false', 'null', 'none', 'equals']);

/**
 * The expression that reads a value at `path` under `root`: `trigger.body.customer.id`, with
 * bracket notation for indexes and for keys that are not plain identifiers
 * (`trigger.headers['content-type'][0]`).
 */
export function expressionPath(root: string, path: readonly PathStep[]): string {
  let out = root;
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (IDENTIFIER.test(step) && !RESERVED.has(step)) out += `.${step}`;
    else out += `['${step.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
  }
  return out;
}

/** The same path wrapped as a template expression, ready to paste into a flow. */
export function expressionOf(root: string, path: readonly PathStep[]): string {
  return `{{ ${expressionPath(root, path)} }}`;
}
