import { Type, type Static } from '@sluice/core';

/** Labels in a condition: a map `key: value`, or Kestra's list of `{ key, value }`. */
export const Labels = Type.Union(
  [
    Type.Record(Type.String(), Type.String(), { description: 'Labels as a map, `key: value`.' }),
    Type.Array(Type.Object({ key: Type.String({ description: 'The label key.' }), value: Type.String({ description: 'The label value.' }) }, { additionalProperties: false }), {
      description: 'Labels as a list of `{ key, value }`.',
    }),
  ],
  { description: 'Labels the ending execution must all carry, with these values.' },
);

type LabelsValue = Static<typeof Labels>;

/** `labels` as `{ key, value }` pairs, whichever way they were written. */
export function labelPairs(labels: LabelsValue): { key: string; value: string }[] {
  return Array.isArray(labels) ? labels : Object.entries(labels).map(([key, value]) => ({ key, value }));
}

/** True when `actual` carries every label of `wanted` with the same value. */
export function hasLabels(actual: readonly { readonly key: string; readonly value: string }[], wanted: LabelsValue): boolean {
  return labelPairs(wanted).every((label) => actual.some((have) => have.key === label.key && have.value === label.value));
}
