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
 * Checks labels written as a list of `{ key, value }` or as a mapping (Kestra takes both), and
 * refuses `system.*` keys, which only the host sets (with Kestra's message).
 */
export function checkLabels(value: unknown, at: readonly PathSegment[]): SchemaProblem[] {
  if (value === undefined || value === null) return [];
  const prefix = (problems: SchemaProblem[]) => problems.map((p) => ({ ...p, segments: [...at, ...p.segments] }));
  if (Array.isArray(value)) {
    const problems = prefix(schemaProblems(LabelList, value));
    value.forEach((item: unknown, i) => {
      if (isMapping(item) && typeof item.key === 'string' && item.key.startsWith('system.')) {
        problems.push({ segments: [...at, i, 'key'], message: systemMessage(item.key, item.value), target: 'value' });
      }
    });
    return problems;
  }
  if (isMapping(value)) {
    const problems = prefix(schemaProblems(LabelMap, value));
    for (const [key, labelValue] of Object.entries(value)) {
      if (key.startsWith('system.')) problems.push({ segments: [...at, key], message: systemMessage(key, labelValue), target: 'key' });
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
