import { describe, expect, it } from 'vitest';
import { propDocs, typeOf } from './schema-props.js';

describe('propDocs', () => {
  it('lists properties with type, default, required and expression, required first', () => {
    const docs = propDocs({
      type: 'object',
      required: ['message'],
      properties: {
        level: { enum: ['INFO', 'WARN'], default: 'INFO', description: 'The level.' },
        message: { type: 'string', 'x-sluice-dynamic': { renderedBy: 'host' }, description: 'What to log.' },
      },
    });
    expect(docs).toEqual([
      { name: 'message', type: 'string', required: true, expression: true, description: 'What to log.' },
      { name: 'level', type: '"INFO" | "WARN"', required: false, default: '"INFO"', expression: false, description: 'The level.' },
    ]);
  });

  it('names arrays and unions', () => {
    expect(typeOf({ type: 'array', items: { type: 'string' } })).toBe('string[]');
    expect(typeOf({ anyOf: [{ type: 'string' }, { type: 'integer' }] })).toBe('string | integer');
  });
});
