import type { ErrorTarget, PathSegment, SchemaProblem } from '../plugins/value-errors.js';
import { segmentsToPath } from '../plugins/value-errors.js';
import type { Locator } from './locate.js';
import type { FlowProblem } from './problems.js';

/** Collects a document's problems, each placed in the source by the document's locator. */
export class Reporter {
  readonly problems: FlowProblem[] = [];
  readonly warnings: FlowProblem[] = [];
  /**
   * Values a plugin default set (see plugin-defaults.ts): a problem with one keeps the path of
   * the task's value but points at the default that wrote it, and says so.
   */
  origins: ReadonlyMap<string, readonly PathSegment[]> = new Map();

  constructor(private readonly locator: Locator) {}

  /** Records one problem about the value at `segments`. */
  add(code: string, segments: readonly PathSegment[], message: string, target: ErrorTarget = 'value'): void {
    const path = segmentsToPath(segments);
    for (let length = segments.length; length > 0 && this.origins.size > 0; length--) {
      const origin = this.origins.get(segmentsToPath(segments.slice(0, length)));
      if (origin === undefined) continue;
      const at = [...origin, ...segments.slice(length)];
      this.problems.push({ code, path, message: `${message} (set by ${segmentsToPath(at)})`, ...this.locator.position(at, target) });
      return;
    }
    this.problems.push({ code, path, message, ...this.locator.position(segments, target) });
  }

  /** Records a warning: the flow is accepted, but something in it should change (a deprecated spelling). */
  warn(code: string, segments: readonly PathSegment[], message: string, target: ErrorTarget = 'value'): void {
    this.warnings.push({ code, path: segmentsToPath(segments), message, ...this.locator.position(segments, target) });
  }

  /** Records schema problems found in the value at `base`, whose paths are relative to it. */
  addAll(code: string, base: readonly PathSegment[], problems: readonly SchemaProblem[]): void {
    for (const p of problems) this.add(code, [...base, ...p.segments], p.message, p.target);
  }
}

/** A mapping (a plain object as YAML reads one), not a list nor a scalar. */
export const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The mapping without its null-valued optional keys: `description:` left empty in YAML means
 * "not set", as Kestra's Jackson reads it, not "set to null".
 */
export function withoutNulls(value: Record<string, unknown>, required: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key, v]) => v !== null || required.includes(key)));
}
