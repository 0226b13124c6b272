import { describe, expect, it } from 'vitest';
import { messageOf } from './http.js';

describe('messageOf', () => {
  it('shows a problem body by its detail, never as [object Object]', () => {
    expect(messageOf({ title: 'Conflict', detail: 'Flow company.team.trigger already exists', message: 'Conflict: Flow …' }, 409)).toBe('Flow company.team.trigger already exists');
    expect(messageOf({ message: 'Not Found: Flow not found' }, 404)).toBe('Not Found: Flow not found');
    expect(messageOf({ unexpected: { nested: true } }, 500)).toBe('the server answered 500');
  });

  it('shows a text answer as text, and an empty one by its status', () => {
    expect(messageOf('Bad Gateway\n', 502)).toBe('Bad Gateway');
    expect(messageOf(undefined, 503)).toBe('the server answered 503');
  });
});
