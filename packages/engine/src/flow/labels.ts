import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Label } from '../model/execution.js';
import { schemaProblems, type PathSegment, type SchemaProblem } from '../plugins/value-errors.js';

// YAML reads `value: 1` as a number where Kestra (Jackson) reads the text "1": both are fine.
const LabelValue = Type.Union([Type.String({ minLength: 1 }), Type.Number(), Type.Boolean()]);
const LabelList = TypeCompiler.Compile(Type.Array(Type.Object({ key: Type.String({ minLength: 1 }), value: LabelValue }, { additionalProperties: false })));
const LabelMap = TypeCompiler.Compile(Type.Record(Type.String(), LabelValue));

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The system label a flow may carry: `system.readOnly: true` marks a flow managed as code (CI/CD,
 * Terraform), whose editor the UI keeps read-only, as Kestra's does. The API still updates it:
 * that is how the pipeline that owns it deploys it. Executions do not inherit it.
 */
export const READ_ONLY_LABEL = 'system.readOnly';
/** The system labels a flow's own `labels` may set; others only the host sets. */
export const FLOW_SYSTEM_LABELS: ReadonlySet<string> = new Set([READ_ONLY_LABEL]);

/** True when `labels` mark the flow read-only (`system.readOnly` is `true`, any case). */
export function isReadOnly(labels: readonly Label[]): boolean {
  return labels.some((label) => label.key === READ_ONLY_LABEL && label.value.toLowerCase() === 'true');
}

function checkSystemLabel(key: string, value: unknown, allowed: ReadonlySet<string>): string | undefined {
  if (!key.startsWith('system.')) return undefined;
  if (!allowed.has(key)) return systemMessage(key, value);
  return /^(true|false)$/i.test(String(value)) ? undefined : `${key} must be true or false`;
}

/**
 * Checks labels written as a list of `{ key, value }` or as a mapping (Kestra takes both), and
 * refuses `system.*` keys, which only the host sets (with Kestra's message), but those in
 * `allowedSystem` (a flow's `system.readOnly`).
 */
export function checkLabels(value: unknown, at: readonly PathSegment[], allowedSystem: ReadonlySet<string> = new Set()): SchemaProblem[] {
  if (value === undefined || value === null) return [];
  const prefix = (problems: SchemaProblem[]) => problems.map((p) => ({ ...p, segments: [...at, ...p.segments] }));
  if (Array.isArray(value)) {
    const problems = prefix(schemaProblems(LabelList, value));
    value.forEach((item: unknown, i) => {
      const message = isMapping(item) && typeof item.key === 'string' ? checkSystemLabel(item.key, item.value, allowedSystem) : undefined;
      if (message !== undefined) problems.push({ segments: [...at, i, 'key'], message, target: 'value' });
    });
    return problems;
  }
  if (isMapping(value)) {
    const problems = prefix(schemaProblems(LabelMap, value));
    for (const [key, labelValue] of Object.entries(value)) {
      const message = checkSystemLabel(key, labelValue, allowedSystem);
      if (message !== undefined) problems.push({ segments: [...at, key], message, target: 'key' });
    }
    return problems;
  }
  return [{ segments: [...at], message: 'must be a list of { key, value } or a mapping', target: 'value' }];
}

const systemMessage = (key: string, value: unknown) =>
  `System labels can only be set by Kestra itself, offending label: ${key}=${String(value)}`;

/** Labels already checked by {@link checkLabels}, as a list with text values. */
export function toLabels(value: unknown): Label[] {
  if (Array.isArray(value)) {
    return value.map((item: { key: string; value: unknown }) => ({ key: item.key, value: String(item.value) }));
  }
  if (isMapping(value)) return Object.entries(value).map(([key, v]) => ({ key, value: String(v) }));
  return [];
}
