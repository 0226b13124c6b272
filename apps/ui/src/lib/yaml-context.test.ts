import { describe, expect, it } from 'vitest';
import { yamlContext } from './yaml-context.js';

/** The context at the `|` in `doc`. */
const at = (doc: string) => yamlContext(doc.replace('|', ''), doc.indexOf('|'));

describe('yamlContext', () => {
  it('reads a top-level key being typed', () => {
    expect(at('id: a\nnam|')).toMatchObject({ path: [], kind: 'key', prefix: 'nam', siblings: { id: 'a' } });
  });

  it('reads a key inside a list item, with the item index and its siblings', () => {
    const doc = 'id: a\ntasks:\n  - id: one\n    type: x.Log\n  - id: two\n    type: x.Log\n    mess|\n';
    expect(at(doc)).toMatchObject({ path: ['tasks', 1], kind: 'key', prefix: 'mess', siblings: { id: 'two', type: 'x.Log' } });
  });

  it('reads the siblings written below the cursor too', () => {
    const doc = 'tasks:\n  - id: one\n    |\n    type: x.Log\n';
    expect(at(doc)).toMatchObject({ path: ['tasks', 0], kind: 'key', siblings: { id: 'one', type: 'x.Log' } });
  });

  it('reads a value being typed after a key', () => {
    expect(at('triggers:\n  - id: w\n    type: io.kes|')).toMatchObject({ path: ['triggers', 0], kind: 'value', key: 'type', prefix: 'io.kes' });
  });

  it('reads a new list item started with a dash', () => {
    expect(at('tasks:\n  - id: one\n    type: x\n  - |')).toMatchObject({ path: ['tasks', 1], kind: 'key', prefix: '' });
  });

  it('reads nested mappings under a list item', () => {
    const doc = 'tasks:\n  - id: one\n    retry:\n      typ|';
    expect(at(doc)).toMatchObject({ path: ['tasks', 0, 'retry'], kind: 'key', prefix: 'typ' });
  });

  it('reads a list written without indentation under its key', () => {
    expect(at('tasks:\n- id: one\n  ty|')).toMatchObject({ path: ['tasks', 0], kind: 'key', prefix: 'ty', siblings: { id: 'one' } });
  });
});
