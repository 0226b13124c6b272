import { describe, expect, it } from 'vitest';
import { runExamples } from '@sluice/plugin-testing';
import plugin from './index.js';
// The examples log and return values; relative imports keep the plugin's package.json free of
// dependencies only its tests need.
import logPlugin from '../../core-log/src/index.js';
import outputsPlugin from '../../core-outputs/src/index.js';
import executionPlugin from '../../core-execution/src/index.js';

describe('core-flow examples', () => {
  it('all run through the engine and produce the expected state and logs', async () => {
    const results = await runExamples(plugin, { packages: [logPlugin, outputsPlugin, executionPlugin] });
    const failures = results.filter((result) => !result.ok);
    expect(failures.map((f) => ({ name: f.name, failures: f.failures }))).toEqual([]);
    expect(results.length).toBe(20);
  });
});
