import { describe, expect, it } from 'vitest';
import { runExamples } from '@sluice/plugin-testing';
import plugin from './index.js';
// The examples start flows through the webhook trigger; a relative import keeps the plugin's
// package.json free of a dependency only its tests need.
import webhookPlugin from '../../trigger-webhook/src/index.js';

describe('Log task examples', () => {
  it("start with Kestra's getting-started flow, unchanged", () => {
    const first = plugin.tasks[0]?.examples[0];
    expect(first?.flow).toMatch(/^id: trigger\nnamespace: company\.team\n/);
    expect(first?.flow).toContain('    type: io.kestra.plugin.core.log.Log\n    message: "Hello World! 🚀"\n');
    expect(first?.flow).toContain('    type: io.kestra.plugin.core.trigger.Webhook\n    key: 4wjtkzwVGBM9yKnjm3yv8r\n');
    expect(first?.expect?.logs).toEqual([{ level: 'INFO', message: 'Hello World! 🚀' }]);
  });

  it('run through the engine and produce the expected logs', async () => {
    const results = await runExamples(plugin, { packages: [webhookPlugin] });
    expect(results.length).toBeGreaterThanOrEqual(3);
    expect(results.every((result) => result.ok)).toBe(true);
  });
});
