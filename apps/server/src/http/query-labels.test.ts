import { describe, expect, it } from 'vitest';
import { queryLabels } from './query-labels.js';

describe('the labels query parameter', () => {
  it('reads one or many key:value pairs, split at the first colon', () => {
    expect(queryLabels(undefined)).toEqual([]);
    expect(queryLabels('team:data')).toEqual([{ key: 'team', value: 'data' }]);
    expect(queryLabels(['team:data', 'url:https://x.test:8080', 'empty:'])).toEqual([
      { key: 'team', value: 'data' }, { key: 'url', value: 'https://x.test:8080' }, { key: 'empty', value: '' },
    ]);
    expect(queryLabels('system.correlationId:abc')).toEqual([{ key: 'system.correlationId', value: 'abc' }]);
  });

  it('names what is wrong: no colon, no key, or a system label callers may not set', () => {
    expect(queryLabels('team')).toBe("labels must be key:value pairs, got 'team'");
    expect(queryLabels(':data')).toBe("labels must be key:value pairs, got ':data'");
    expect(queryLabels(['a:b', 'system.readOnly:true'])).toBe("label 'system.readOnly' is reserved for the host");
  });
});
