import { describe, expect, it } from 'vitest';
import { runExamples } from '@sluice/plugin-testing';
import plugin from './index.js';
// The examples log what they read; a relative import keeps the plugin's package.json free of a
// dependency only its tests need.
import logPlugin from '../../core-log/src/index.js';

describe('key-value examples', () => {
  it('run as documented', async () => {
    const results = await runExamples(plugin, { packages: [logPlugin] });
    expect(results.length).toBe(8);
    expect(results.every((result) => result.ok)).toBe(true);
  });
});
