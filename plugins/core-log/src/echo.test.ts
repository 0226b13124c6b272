import { describe, expect, it } from 'vitest';
import { createTaskContext, runExamples, validateFlow } from '@sluice/plugin-testing';
import plugin, { echo } from './index.js';

const flow = (props: string) => `id: e\nnamespace: company.team\ntasks:\n  - id: e\n    type: io.kestra.plugin.core.debug.Echo\n${props}`;

describe('Echo task', () => {
  it('logs format at INFO by default, or at level', async () => {
    const ctx = createTaskContext();
    await echo.run(ctx, { format: 'hi' });
    await echo.run(ctx, { format: 'careful', level: 'WARN' });
    expect(ctx.logs).toEqual([{ level: 'INFO', message: 'hi' }, { level: 'WARN', message: 'careful' }]);
  });

  it("keeps Kestra's rules at save: format required and not blank, level a name and no template", () => {
    expect(validateFlow(flow('    format: ok\n'), plugin)).toEqual([]);
    expect(validateFlow(flow('    format: "   "\n'), plugin).map((p) => p.path)).toEqual(['tasks[0].format']);
    expect(validateFlow(flow('    level: INFO\n'), plugin).map((p) => p.path)).toEqual(['tasks[0].format']);
    expect(validateFlow(flow('    format: ok\n    level: "{{ inputs.l }}"\n'), plugin).map((p) => p.path)).toEqual(['tasks[0].level']);
  });

  it('runs its example through the engine', async () => {
    const results = await runExamples(echo);
    expect(results.every((result) => result.ok)).toBe(true);
  });
});
