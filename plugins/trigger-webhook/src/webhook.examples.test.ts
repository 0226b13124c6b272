import { describe, expect, it } from 'vitest';
import { runExamples } from '@sluice/plugin-testing';
import plugin from './index.js';
// The examples log through the Log task; a relative import keeps the plugin's package.json free
// of a dependency only its tests need.
import logPlugin from '../../core-log/src/index.js';

describe('Webhook trigger examples', () => {
  it('cover the seed flow, a GET without body, query parameters, a condition and inputs', () => {
    const titles = plugin.triggers[0]?.examples.map((example) => example.title) ?? [];
    expect(titles.length).toBeGreaterThanOrEqual(4);
    expect(plugin.triggers[0]?.examples.every((example) => example.request !== undefined)).toBe(true);
  });

  it('get the expected status through the engine, and their executions the expected logs', async () => {
    const results = await runExamples(plugin, { packages: [logPlugin] });
    expect(results.map((result) => result.status)).toEqual(plugin.triggers[0]?.examples.map((example) => example.expect?.status ?? 200));
    expect(results.every((result) => result.ok)).toBe(true);
  });
});
