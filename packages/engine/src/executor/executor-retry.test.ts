import { describe, expect, it } from 'vitest';
import { createMemoryRuntime } from '../../../runtime-memory/src/index.js';
import { treeRegistry } from '../../test/fixtures/tree-plugins.js';
import { createExecution } from '../execution/index.js';
import { parseFlow } from '../flow/index.js';
import type { Execution, TaskRun } from '../model/execution.js';
import type { EnqueueOptions } from '../ports/ports.js';
import { mapSecrets } from '../secrets/index.js';
import { createExecutor } from './index.js';

// The executor's side of a retry, on a clock the test moves: a failed attempt leaves the
// execution RETRYING and queued again for its date, and the job ends; a delivery before the
// date queues it again for the same date and runs nothing; one at the date runs the next attempt.

const source = `id: retry
namespace: company.team
tasks:
  - id: flaky
    type: test.Say
    text: "{{ taskrun.attemptsCount == 1 ? 'second' : undefined_variable }}"
    retry: { type: constant, interval: PT10S, maxAttempt: 3 }
  - id: after
    type: test.Say
    text: after
`;

describe('executor: a task waiting for a retry', () => {
  it('stores RETRYING, queues the execution for the date and lets go; runs the next attempt once the date came', async () => {
    const parsed = parseFlow(source, treeRegistry);
    if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
    const runtime = createMemoryRuntime();
    const queued: { id: string; at?: Date }[] = [];
    const queue = { ...runtime.queue, enqueue: async (id: string, options?: EnqueueOptions) => void queued.push({ id, ...(options?.at ? { at: options.at } : {}) }) };
    let clock = Date.parse('2024-05-01T10:00:00.000Z');
    const executor = createExecutor({ runtime: { ...runtime, queue }, registry: treeRegistry, secrets: mapSecrets({}), now: () => new Date(clock) });
    const flow = await runtime.flows.save({ ...parsed.flow, source });
    const execution = createExecution({ flow, now: new Date(clock) });
    await runtime.executions.create(execution);
    const run = () => executor.run(execution.id, new AbortController().signal);
    const flaky = (e: Execution) => e.taskRunList.find((r) => r.taskId === 'flaky') as TaskRun;
    const due = new Date(clock + 10_000);

    const heard: string[] = [];
    await runtime.events.subscribe(execution.id, (event) => heard.push(`${event.state}${event.terminated ? ' (end)' : ''}`));
    const waiting = await run();
    expect(waiting.state.current).toBe('RETRYING');
    // Followers hear the wait: the execution's state changed though nothing ended.
    await expect.poll(() => heard).toEqual(['RUNNING', 'RETRYING']);
    expect(flaky(waiting).state.current).toBe('RETRYING');
    expect(flaky(waiting).attempts.map((a) => a.state.current)).toEqual(['FAILED']);
    expect(queued).toEqual([{ id: execution.id, at: due }]);
    expect(await runtime.executions.get(execution.id)).toEqual(waiting);

    // Delivered early (a redelivery, a clock ahead): nothing runs, the same date is queued again.
    clock += 5_000;
    const early = await run();
    expect(flaky(early).attempts).toHaveLength(1);
    expect(early.state.current).toBe('RETRYING');
    expect(queued).toEqual([{ id: execution.id, at: due }, { id: execution.id, at: due }]);

    clock += 5_000;
    const ended = await run();
    expect(ended.state.current).toBe('SUCCESS');
    expect(flaky(ended).attempts.map((a) => a.state.current)).toEqual(['FAILED', 'SUCCESS']);
    expect(flaky(ended).attempts[1]!.state.histories[0]!.date).toBe(due.toISOString());
    expect(ended.taskRunList.map((r) => `${r.taskId} ${r.state.current}`)).toEqual(['flaky SUCCESS', 'after SUCCESS']);
    expect(queued).toHaveLength(2);
    await expect.poll(() => heard.at(-1)).toBe('SUCCESS (end)');
    // The date is dropped once the attempt it waited for starts.
    expect(flaky(ended).retryAt).toBeUndefined();
    await runtime.close();
  });

  it('bounds each attempt by the task\'s timeout, and runs errors once, after the last attempt timed out', async () => {
    const timed = `id: timed
namespace: company.team
tasks:
  - id: slow
    type: test.Forever
    timeout: PT0.1S
    retry: { type: constant, interval: PT0.05S, maxAttempt: 2 }
errors:
  - id: handler
    type: test.Say
    text: "handled"
`;
    const parsed = parseFlow(timed, treeRegistry);
    if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
    const runtime = createMemoryRuntime();
    const executor = createExecutor({ runtime, registry: treeRegistry, secrets: mapSecrets({}) });
    const flow = await runtime.flows.save({ ...parsed.flow, source: timed });
    const execution = createExecution({ flow });
    await runtime.executions.create(execution);
    // The queue is not consumed here: the test delivers the job again itself, bounded.
    let ended = await executor.run(execution.id, new AbortController().signal);
    for (let i = 0; i < 50 && ended.state.current === 'RETRYING'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      ended = await executor.run(execution.id, new AbortController().signal);
    }
    expect(ended.state.current).toBe('FAILED');
    const slow = ended.taskRunList.find((r) => r.taskId === 'slow') as TaskRun;
    expect(slow.attempts.map((a) => a.state.current)).toEqual(['FAILED', 'FAILED']);
    for (const attempt of slow.attempts) {
      expect(Date.parse(attempt.state.histories.at(-1)!.date) - Date.parse(attempt.state.histories[0]!.date)).toBeGreaterThanOrEqual(100);
    }
    expect(ended.taskRunList.map((r) => `${r.taskId} ${r.state.current}`)).toEqual(['slow FAILED', 'handler SUCCESS']);
    const errors = (await runtime.logs.list(execution.id)).filter((l) => l.level === 'ERROR' && l.taskId === 'slow');
    expect(errors).toHaveLength(2);
    await runtime.close();
  });
});
