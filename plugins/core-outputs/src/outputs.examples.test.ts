import { describe, expect, it } from 'vitest';
import { runExamples } from '@sluice/plugin-testing';
import plugin, { outputValues, returnTask } from './index.js';
// The examples log what they output and one starts through a webhook; relative imports keep
// the plugin's package.json free of dependencies only its tests need.
import logPlugin from '../../core-log/src/index.js';
import webhookPlugin from '../../trigger-webhook/src/index.js';

const packages = [logPlugin, webhookPlugin];
const NOW = new Date('2024-05-01T12:00:00.000Z');

/** The outputs of each task run of an example's execution, by task id. */
function outputsOf(result: { execution?: { taskRunList: readonly { taskId: string; outputs: unknown }[] } }): Record<string, unknown> {
  return Object.fromEntries((result.execution?.taskRunList ?? []).map((run) => [run.taskId, run.outputs]));
}

describe('Return and OutputValues examples', () => {
  it('start with Kestra\'s own example of each task, unchanged', () => {
    expect(returnTask.examples[0]?.flow).toContain('    type: io.kestra.plugin.core.debug.Return\n    format: "{{ task.id }} > {{ taskrun.startDate }}"\n');
    expect(outputValues.examples[0]?.flow).toMatch(/^id: outputs_flow\nnamespace: company\.team\n/);
  });

  it('all run through the engine and produce the expected logs', async () => {
    const results = await runExamples(plugin, { packages, now: () => NOW });
    expect(results).toHaveLength(5);
    expect(results.every((result) => result.ok)).toBe(true);
  });

  it('store each task\'s output with its task run', async () => {
    const [debug, chained] = await runExamples(returnTask, { packages, now: () => NOW });
    expect(outputsOf(debug ?? {})).toEqual({ return: { value: 'return > 2024-05-01T12:00:00.000Z' } });
    expect(outputsOf(chained ?? {})).toEqual({ greeting: { value: 'Hello ADA' }, log: {} });
  });

  it('render every string inside the values, deeply, and keep the other types', async () => {
    const [kestra] = await runExamples(outputValues, { packages, now: () => NOW });
    const output = outputsOf(kestra ?? {}).output_values as { values: Record<string, unknown> };
    const executionId = kestra?.execution?.id;
    expect(output.values).toEqual({
      taskrun_data: 'output_values > 2024-05-01T12:00:00.000Z',
      execution_data: 'outputs_flow > 2024-05-01T12:00:00.000Z',
      number_value: 42,
      array_value: ['output_values', 'outputs_flow', 'static value'],
      nested_object: { key1: 'value1', key2: executionId },
    });
    expect(kestra?.logs.map((line) => line.message)).toContain(
      'Got the following outputs from the previous task:\noutput_values > 2024-05-01T12:00:00.000Z\noutputs_flow > 2024-05-01T12:00:00.000Z\n',
    );
  });
});
