import { describe, expect, it } from 'vitest';
import type { Execution } from '@sluice/engine';
import { runAfterEnd, type AfterEnd } from './after-end.js';

const execution = { id: 'e1' } as Execution;

describe('runAfterEnd', () => {
  it('runs every hook in order, even after one failed, then rejects with the first failure so the job is delivered again', async () => {
    const ran: string[] = [];
    const hook = (name: string, fail = false): AfterEnd => ({
      name,
      async run(e) {
        ran.push(`${name}:${e.id}`);
        if (fail) throw new Error(`${name} failed`);
      },
    });
    await expect(runAfterEnd([hook('a'), hook('b', true), hook('c'), hook('d', true)], execution)).rejects.toThrow('b failed');
    expect(ran).toEqual(['a:e1', 'b:e1', 'c:e1', 'd:e1']);
  });

  it('resolves when every hook does, and when there is none', async () => {
    await expect(runAfterEnd([], execution)).resolves.toBeUndefined();
    await expect(runAfterEnd([{ name: 'ok', run: async () => undefined }], execution)).resolves.toBeUndefined();
  });
});
