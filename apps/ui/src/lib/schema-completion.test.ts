import { describe, expect, it } from 'vitest';
import { yamlContext } from './yaml-context.js';
import { schemaCompletions } from './schema-completion.js';

// The shape /plugins/schemas/flow gives: items are anyOf one branch per plugin type.
const schema = {
  type: 'object',
  properties: { id: { type: 'string' }, namespace: { type: 'string' }, tasks: { type: 'array', items: { $ref: '#/definitions/task' } } },
  required: ['id', 'namespace', 'tasks'],
  definitions: {
    task: {
      anyOf: [
        { title: 'Log', type: 'object', properties: { id: {}, type: { const: 'io.kestra.plugin.core.log.Log' }, message: { description: 'What to log.' }, level: { enum: ['INFO', 'WARN'] } }, required: ['id', 'type', 'message'] },
        { title: 'Return', type: 'object', properties: { id: {}, type: { enum: ['io.kestra.plugin.core.debug.Return', 'Return'] }, format: {} }, required: ['id', 'type'] },
      ],
    },
  },
};

const complete = (doc: string) => schemaCompletions(schema, yamlContext(doc.replace('|', ''), doc.indexOf('|'))).map((c) => c.label);

describe('schemaCompletions', () => {
  it('offers the top-level keys not yet written', () => {
    expect(complete('id: a\n|')).toEqual(['namespace', 'tasks']);
  });

  it('offers every type (and alias) for a task', () => {
    expect(complete('tasks:\n  - id: a\n    type: |')).toEqual(['io.kestra.plugin.core.log.Log', 'io.kestra.plugin.core.debug.Return', 'Return']);
    expect(schemaCompletions(schema, yamlContext('tasks:\n  - id: a\n    type: ', 28)).find((c) => c.label === 'Return')?.detail).toBe('alias');
  });

  it('offers the properties of the plugin the item names', () => {
    expect(complete('tasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    |')).toEqual(['message', 'level']);
    expect(complete('tasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    le|\n    message: hi')).toEqual(['level']);
  });

  it('offers id and type for an item without a type yet', () => {
    expect(complete('tasks:\n  - |')).toEqual(['id', 'type']);
  });

  it('offers the values of an enum', () => {
    expect(complete('tasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    level: |')).toEqual(['INFO', 'WARN']);
  });
});
