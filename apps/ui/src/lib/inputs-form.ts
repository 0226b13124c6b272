import type { FlowInput } from '../api/types.js';

/** How one flow input is asked for in the Execute form. */
export interface Field {
  readonly id: string;
  readonly label: string;
  readonly help?: string;
  readonly required: boolean;
  readonly widget: 'text' | 'password' | 'textarea' | 'number' | 'checkbox' | 'select' | 'multiselect' | 'datetime-local' | 'date' | 'time';
  readonly step?: string;
  readonly options?: readonly string[];
  readonly placeholder?: string;
}

const WIDGETS: Readonly<Record<string, Field['widget']>> = {
  STRING: 'text', EMAIL: 'text', URI: 'text', DURATION: 'text', FILE: 'text', SECRET: 'password',
  INT: 'number', FLOAT: 'number', BOOLEAN: 'checkbox', BOOL: 'checkbox',
  DATETIME: 'datetime-local', DATE: 'date', TIME: 'time', ENUM: 'select', SELECT: 'select', MULTISELECT: 'multiselect',
  JSON: 'textarea', YAML: 'textarea', ARRAY: 'textarea', OBJECT: 'textarea', ION: 'textarea', TABLE: 'textarea', FORM: 'textarea',
};

const PLACEHOLDERS: Readonly<Record<string, string>> = {
  DURATION: 'PT5M', FILE: 'kestra:///…', URI: 'https://…', EMAIL: 'name@example.com', JSON: '{"key": "value"}', ARRAY: '["a", "b"]', YAML: 'key: value',
};

/** The form field of an input: its widget by type, label, help, choices. */
export function fieldFor(input: FlowInput): Field {
  const type = input.type.toUpperCase();
  const options = Array.isArray(input.values) ? input.values.map(String) : undefined;
  const label = typeof input.displayName === 'string' && input.displayName ? input.displayName : input.id;
  return {
    id: input.id,
    label,
    ...(input.description ? { help: input.description } : {}),
    required: input.required !== false && input.defaults === undefined,
    widget: WIDGETS[type] ?? 'text',
    ...(type === 'FLOAT' ? { step: 'any' } : type === 'INT' ? { step: '1' } : {}),
    ...(options ? { options } : {}),
    ...(PLACEHOLDERS[type] ? { placeholder: PLACEHOLDERS[type] } : {}),
  };
}

/** The value a field starts with: the input's default, in the widget's form. */
export function initialValue(input: FlowInput): unknown {
  const type = input.type.toUpperCase();
  const d = input.defaults;
  if (type === 'BOOLEAN' || type === 'BOOL') return d === true || d === 'true';
  if (type === 'MULTISELECT') return Array.isArray(d) ? d.map(String) : [];
  if (d === undefined || d === null) return '';
  if (typeof d === 'object') return JSON.stringify(d, null, 2);
  if (type === 'DATETIME' && typeof d === 'string') return d.replace(/Z$|[+-]\d\d:\d\d$/, '').slice(0, 19);
  return String(d);
}

/**
 * The inputs object sent to the API: empty fields left out (so defaults apply), numbers as
 * numbers, datetimes as ISO instants, structured values parsed when they parse (else sent as
 * typed, and the server names the field that is wrong).
 */
export function toPayload(inputs: readonly FlowInput[], values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const input of inputs) {
    const type = input.type.toUpperCase();
    const value = values[input.id];
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0 && input.required === false)) continue;
    if (type === 'INT' || type === 'FLOAT') out[input.id] = Number.isNaN(Number(value)) ? value : Number(value);
    else if (type === 'DATETIME' && typeof value === 'string') out[input.id] = /[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : new Date(value).toISOString();
    else if (['JSON', 'ARRAY', 'OBJECT'].includes(type) && typeof value === 'string') {
      try {
        out[input.id] = JSON.parse(value) as unknown;
      } catch {
        out[input.id] = value;
      }
    } else out[input.id] = value;
  }
  return out;
}

/** Field errors from a 422 problem, by input id (`inputs.name` or `name`). */
export function errorsByInput(errors: readonly { path: string; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const id = e.path.replace(/^inputs\./, '').split(/[.[]/)[0] ?? e.path;
    out[id] = out[id] ? `${out[id]}; ${e.message}` : e.message;
  }
  return out;
}
