// Ten tasks: end to end as in e2e.mjs (webhook → SUCCESS with logs stored; one webserver and one
// worker), for a flow of 10 Log tasks whose messages are expressions over the trigger, task, flow
// and execution. Baseline: the Koa + BullMQ endpoint with a no-op worker. The flows folder also
// holds the seed flow (1 Log task, no expression), measured on the same processes in the same
// rounds, so the cost of the nine extra rendered tasks shows as a paired ratio of its own.
//
// Rounds are those of e2e.mjs (the load for BENCH_LOAD_MS, then the drain), so the seed-flow
// figures here mean what they mean there. A 10-task execution costs the worker several times
// what the webserver's answer costs, so the backlog at the end of the load is larger and a round
// of the ten-task flow lasts a few times BENCH_LOAD_MS. The warm-up of the ten-task flow posts at
// most BENCH_TEN_TASKS_WARMUP_REQUESTS, or a cold worker would take tens of seconds to drain it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eOnce, e2eProblems, e2eSide } from '../lib/e2e.mjs';
import { flowsFolder, webhookKeyOf } from '../lib/flows.mjs';
import { interleaved, problemsFor, ratiosOf, round } from '../lib/measure.mjs';
import { startBaseline, startSluiceBullmq, startSluiceEmbedded, viewOf, withStacks } from '../lib/stacks.mjs';

const FLOW_ID = 'ten_tasks';
const TASK_IDS = Array.from({ length: 10 }, (_, i) => `log_${String(i + 1).padStart(2, '0')}`);
const MESSAGE = '{{ trigger.body.customer.name | upper }} ordered {{ trigger.body.items | length }} items, task {{ task.id }} of {{ flow.namespace }}.{{ flow.id }} ({{ execution.id }})';
/** What MESSAGE renders to, computed here without the engine: the check compares the two. */
const expectedLine = (body, taskId, executionId) => `${body.customer.name.toUpperCase()} ordered ${body.items.length} items, task ${taskId} of company.team.${FLOW_ID} (${executionId})`;

function tenTaskFlow(key) {
  const tasks = TASK_IDS.map((id) => `  - id: ${id}\n    type: io.kestra.plugin.core.log.Log\n    message: ${JSON.stringify(MESSAGE)}\n`).join('');
  return `id: ${FLOW_ID}\nnamespace: company.team\n\ntasks:\n${tasks}\ntriggers:\n  - id: webhook\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: ${key}\n`;
}

/** Reads sampled executions back: SUCCESS, and one stored line per task with the rendered text. */
async function checkTenTasks(stack, ids, body) {
  const parsed = JSON.parse(body);
  const result = { sampled: ids.length, success: 0, withAllLines: 0, mismatches: [] };
  for (const id of ids) {
    const execution = await stack.api(`/executions/${id}`);
    if (execution.state?.current === 'SUCCESS') result.success++;
    const lines = (await stack.api(`/logs/${id}`)).filter((e) => TASK_IDS.includes(e.taskId));
    const wrong = TASK_IDS.filter((taskId) => lines.filter((e) => e.taskId === taskId && e.message === expectedLine(parsed, taskId, id)).length !== 1);
    if (lines.length === TASK_IDS.length && wrong.length === 0) result.withAllLines++;
    else if (result.mismatches.length < 3) result.mismatches.push({ id, taskLines: lines.length, wrongTasks: wrong, first: lines[0]?.message });
  }
  return result;
}

export default {
  name: 'ten-tasks',
  title: 'Ten tasks end to end: webhook → 10 Log tasks with expressions → SUCCESS, logs stored',
  async run(ctx) {
    const { loadMs, warmupMs, connections, tenTasksRounds: rounds, tenTasksWarmupRequests } = ctx.config;
    const flowsDir = flowsFolder(ctx, 'ten-tasks');
    const key = webhookKeyOf(FLOW_ID);
    writeFileSync(join(flowsDir, 'company.team.trigger.yaml'), ctx.seedFlow);
    writeFileSync(join(flowsDir, `company.team.${FLOW_ID}.yaml`), tenTaskFlow(key));
    const hooks = [{ flowId: FLOW_ID, key }];
    const starters = [
      () => startSluiceBullmq(ctx, 'ten-tasks', { worker: true, flowsDir, hooks }),
      () => startBaseline(ctx, 'ten-tasks', { worker: true }),
      ...(ctx.config.embedded ? [() => startSluiceEmbedded(ctx, 'ten-tasks', { flowsDir, hooks })] : []),
    ];
    const problems = [];
    const checks = {};
    const { value: results, stopped } = await withStacks(ctx, 'ten-tasks', starters, async (started) => {
      // Each Sluice stack twice: the ten-task flow, and the seed flow on the same processes.
      const stacks = started.flatMap((s) => (s.side === 'sluice' ? [s, viewOf(s, { id: `${s.id}-seed`, label: `${s.label}, seed flow` })] : [s]));
      const run = async (stack, durationMs, maxRequests) => {
        const m = await e2eOnce(ctx, stack, { body: ctx.body, durationMs, maxRequests });
        problems.push(...e2eProblems(ctx, stack, m));
        return m;
      };
      for (const stack of stacks) {
        ctx.progress(`ten-tasks warm-up: ${stack.label}`);
        await run(stack, warmupMs, started.includes(stack) && stack.side === 'sluice' ? tenTasksWarmupRequests : ctx.config.warmupRequests);
      }
      const results = await interleaved(ctx, 'ten-tasks', stacks, rounds, (stack) => run(stack, loadMs));
      for (const stack of started) {
        if (stack.side !== 'sluice') continue;
        const c = await checkTenTasks(stack, results[stack.id].flatMap((m) => m.ids), ctx.body);
        checks[stack.id] = c;
        if (c.success !== c.sampled || c.withAllLines !== c.sampled) problems.push(`${stack.label}: of ${c.sampled} sampled ten-task executions ${c.success} are SUCCESS and ${c.withAllLines} have their 10 rendered lines; ${JSON.stringify(c.mismatches)}`);
        const seed = await stack.check(results[`${stack.id}-seed`].flatMap((m) => m.ids));
        checks[`${stack.id}-seed`] = seed;
        if (seed.success !== seed.sampled || seed.withLog !== seed.sampled) problems.push(`${stack.label}, seed flow: of ${seed.sampled} sampled executions ${seed.success} are SUCCESS and ${seed.withLog} have their log line`);
      }
      return results;
    });

    const side = (id, stoppedId = id) => e2eSide(results[id], stopped[stoppedId]?.peakRssMb, checks[id]);
    const baseline = { label: 'Koa + BullMQ queue.add + no-op BullMQ worker', ...side('baseline') };
    const common = { connections, roundMs: loadMs, rounds, workerConcurrency: ctx.config.concurrency, tasks: TASK_IDS.length, message: MESSAGE };
    const rows = [];
    for (const [id, runtime, label] of [['sluice-bullmq', 'bullmq', 'Sluice, BullMQ'], ['sluice-embedded', 'embedded', 'Sluice, embedded (SQLite)']]) {
      if (!results[id]) continue;
      const sluice = side(id);
      const seed = { label: 'the same stack running the seed flow (1 Log task, no expression)', ...side(`${id}-seed`, id) };
      rows.push({
        scenario: 'ten tasks: end to end', runtime, unit: 'exec/s', sluice, baseline, ...ratiosOf(sluice, baseline),
        details: { ...common, warmupRequests: tenTasksWarmupRequests, startMs: stopped[id]?.startMs, baselineStartMs: stopped.baseline?.startMs, taskRunsPerS: round(sluice.value * TASK_IDS.length) },
        problems: problemsFor(problems, [label, 'Koa + BullMQ']),
      });
      rows.push({
        scenario: 'ten tasks vs seed flow', runtime, unit: 'exec/s', sluice, baseline: seed, ...ratiosOf(sluice, seed),
        details: common,
        problems: problemsFor(problems, [label, `${label}, seed flow`]),
      });
    }
    return rows;
  },
};
