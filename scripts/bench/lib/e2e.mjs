// The end-to-end measurement shared by the e2e and ten-task scenarios: N connections post for
// the round's length, then the backlog drains; executions/s = executions that reached SUCCESS /
// (first request → last SUCCESS), so every accepted request is accounted for, queued or not when
// the load stopped.
import { setTimeout as sleep } from 'node:timers/promises';
import { loadSummary, median, problemsOf, round, runLoad, withCpu } from './measure.mjs';

/** One round against `stack`: its ingestion load with `body`, then the drain, bounded. */
export async function e2eOnce(ctx, stack, { body, durationMs, maxRequests }) {
  const { connections, drainTimeoutMs, sampleIds } = ctx.config;
  // Each process's share comes too (webserver and worker apart), to tell whose CPU a flow's cost lands on.
  const { value: { before, load, atLoadEnd, now }, cpuMs, cpuMsByRole: byProcess } = await withCpu(stack, async () => {
    const before = await stack.completions();
    const load = await runLoad({ ...stack.ingest, body, connections, durationMs, maxRequests, sampleIds });
    const target = before.done + before.other + load.ok;
    const deadline = Date.now() + drainTimeoutMs;
    const atLoadEnd = await stack.completions();
    let now = atLoadEnd;
    while (now.done + now.other < target && Date.now() < deadline) {
      await sleep(stack.pollMs ?? 10);
      now = await stack.completions();
    }
    return { before, load, atLoadEnd, now };
  });
  const startNs = BigInt(load.startNs);
  const endNs = BigInt(load.endNs);
  const lastNs = now.lastNs > endNs ? now.lastNs : endNs;
  const seconds = Number(lastNs - startNs) / 1e9;
  const succeeded = now.done - before.done;
  const other = now.other - before.other;
  return {
    accepted: load.ok,
    succeeded,
    otherTerminal: other,
    undrained: load.ok - succeeded - other,
    seconds,
    rate: succeeded / seconds,
    cpuMsPerOp: cpuMs / succeeded,
    cpuMsPerOpByProcess: Object.fromEntries(Object.entries(byProcess).map(([role, ms]) => [role, ms / succeeded])),
    duringLoadRate: (atLoadEnd.done - before.done) / load.seconds,
    backlogAtLoadEnd: load.ok - (atLoadEnd.done + atLoadEnd.other - before.done - before.other),
    drainMs: Number(lastNs - endNs) / 1e6,
    ids: load.ids,
    load,
  };
}

/** The complaints about one round: bad answers, executions not drained or not SUCCESS. */
export function e2eProblems(ctx, stack, m) {
  const problems = problemsOf(stack.label, m.load);
  if (m.undrained > 0) problems.push(`${stack.label}: ${m.undrained} of ${m.accepted} accepted executions not finished ${ctx.config.drainTimeoutMs} ms after the load`);
  if (m.otherTerminal > 0) problems.push(`${stack.label}: ${m.otherTerminal} executions ended in another state than SUCCESS`);
  return problems;
}

/** A stack's side of an end-to-end row: median executions/s and CPU per execution, every round. */
export function e2eSide(runs, peakRssMb, check) {
  return {
    value: round(median(runs.map((m) => m.rate))),
    cpuMsPerOp: round(median(runs.map((m) => m.cpuMsPerOp)), 3),
    rounds: runs.map((m) => ({
      accepted: m.accepted, succeeded: m.succeeded, otherTerminal: m.otherTerminal, undrained: m.undrained,
      seconds: round(m.seconds, 3), rate: round(m.rate, 1), cpuMsPerOp: round(m.cpuMsPerOp, 3),
      cpuMsPerOpByProcess: Object.fromEntries(Object.entries(m.cpuMsPerOpByProcess).map(([role, ms]) => [role, round(ms, 3)])),
      duringLoadRate: round(m.duringLoadRate, 1),
      backlogAtLoadEnd: m.backlogAtLoadEnd, drainMs: round(m.drainMs), ingest: loadSummary(m.load),
    })),
    duringLoadRate: round(median(runs.map((m) => m.duringLoadRate))),
    ingestRate: round(median(runs.map((m) => m.load.rate))),
    peakRssMb,
    ...(check ? { check } : {}),
  };
}
