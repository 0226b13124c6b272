import { describe, expect, it } from 'vitest';
import { runExamples } from '@sluice/plugin-testing';
import plugin from './index.js';
// The examples log through the Log task; a relative import keeps the plugin's package.json free
// of a dependency only its tests need.
import logPlugin from '../../core-log/src/index.js';

describe('Schedule trigger examples', () => {
  it("cover Kestra's examples, withSeconds, a time zone, inputs, a condition and when", () => {
    const titles = plugin.triggers[0]?.examples.map((example) => example.title) ?? [];
    expect(titles.length).toBeGreaterThanOrEqual(6);
  });

  it('get the expected first tick through the engine, and their executions the expected logs', async () => {
    const results = await runExamples(plugin, { packages: [logPlugin], now: () => new Date('2024-07-01T06:00:00Z') });
    expect(results.map((result) => result.status)).toEqual(plugin.triggers[0]?.examples.map((example) => example.expect?.status ?? 200));
    expect(results.every((result) => result.ok)).toBe(true);
    for (const result of results.filter((r) => r.execution)) {
      expect(result.execution?.labels).toContainEqual({ key: 'system.from', value: 'schedule' });
    }
  });
});
