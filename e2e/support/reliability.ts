import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, type ExecutionJson } from './api.js';
import { startRedis, type ThrowawayRedis } from './throwaway-redis.js';

/** The fixture plugins (Sleep, and Record, Fail and Hang of sluice-plugin-reliability). */
export const pluginsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'plugins');

/** A task run as the API returns it, with its attempts. */
export interface TaskRunJson {
  id: string;
  taskId: string;
  /** An iteration's value (a ForEach's children). */
  value?: string;
  state: { current: string };
  attempts: { state: { current: string } }[];
}

export type FullExecution = Omit<ExecutionJson, 'taskRunList'> & { taskRunList: TaskRunJson[] };

/** One line written by io.sluice.test.Record: a run starting or ending. */
export interface RunRecord {
  readonly event: 'start' | 'end';
  readonly taskRunId: string;
  readonly attempt: number;
  /** The process that ran it. */
  readonly pid: number;
}

/** The records of one (execution, task), in the order written; empty when it never ran. */
export function recordsOf(dir: string, executionId: string, taskId: string): RunRecord[] {
  const file = join(dir, `${executionId}.${taskId}.log`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
    const [event, taskRunId, attempt, pid] = line.split(' ');
    return { event: event as 'start' | 'end', taskRunId: taskRunId ?? '', attempt: Number(attempt), pid: Number(pid) };
  });
}

/** How many (execution, task) pairs have started at least once. */
export function startedCount(dir: string): number {
  return readdirSync(dir).length;
}

/**
 * Checks, from the runs Record made, that no finished task run was run again, and returns the
 * problems found (empty when none). For each task run of the execution: every run belongs to it
 * (a crash resumes the task run, never starts a second one), each attempt ran at most once, the
 * attempt that ended it ran, and every earlier attempt is RESUBMITTED (cut short by a crash). A
 * run after the end would be an attempt past the last, or would turn a finished attempt into
 * anything but the last: both are caught.
 */
export function rerunProblems(dir: string, execution: FullExecution, recordedTasks: readonly string[]): string[] {
  const problems: string[] = [];
  const where = (taskId: string) => `${execution.id}.${taskId}`;
  for (const taskId of recordedTasks) {
    const runs = execution.taskRunList.filter((run) => run.taskId === taskId);
    if (runs.length !== 1) {
      problems.push(`${where(taskId)}: ${runs.length} task runs`);
      continue;
    }
    const run = runs[0]!;
    const records = recordsOf(dir, execution.id, taskId);
    const starts = records.filter((r) => r.event === 'start');
    const ends = records.filter((r) => r.event === 'end');
    const attempts = run.attempts.length;
    if (records.some((r) => r.taskRunId !== run.id)) problems.push(`${where(taskId)}: a run of another task run`);
    const startedAttempts = starts.map((r) => r.attempt);
    if (new Set(startedAttempts).size !== startedAttempts.length) problems.push(`${where(taskId)}: an attempt started twice (${startedAttempts.join(',')})`);
    if (startedAttempts.some((a) => a < 1 || a > attempts)) problems.push(`${where(taskId)}: a run of attempt ${startedAttempts.join(',')} past the ${attempts} recorded`);
    if (run.state.current === 'SUCCESS' && !startedAttempts.includes(attempts)) problems.push(`${where(taskId)}: the attempt that ended it never ran`);
    if (new Set(ends.map((r) => r.attempt)).size !== ends.length) problems.push(`${where(taskId)}: an attempt ended twice`);
    run.attempts.slice(0, -1).forEach((attempt, i) => {
      if (attempt.state.current !== 'RESUBMITTED') problems.push(`${where(taskId)}: attempt ${i + 1} is ${attempt.state.current} but another followed it`);
    });
  }
  return problems;
}

/** The final states an execution went through (one, when it ended once). */
export function finalStates(execution: ExecutionJson): string[] {
  return execution.state.histories.map((h) => h.state).filter((s) => ['SUCCESS', 'FAILED', 'WARNING', 'KILLED', 'CANCELLED'].includes(s));
}

/** Every execution of a flow, through the search API (500 a page). */
export async function allExecutions(base: string, namespace: string, flowId: string): Promise<FullExecution[]> {
  const out: FullExecution[] = [];
  for (let page = 1; ; page++) {
    const res = await api(base, `/api/v1/main/executions/search?namespace=${namespace}&flowId=${flowId}&size=500&page=${page}`);
    if (res.status !== 200) throw new Error(`search answered ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as { results: FullExecution[]; total: number };
    out.push(...body.results);
    if (body.results.length === 0 || out.length >= body.total) return out;
  }
}

/** How many executions of a flow are in one of `states`. */
export async function countIn(base: string, namespace: string, flowId: string, states: readonly string[]): Promise<number> {
  const res = await api(base, `/api/v1/main/executions/search?namespace=${namespace}&flowId=${flowId}&state=${states.join(',')}&size=1`);
  if (res.status !== 200) throw new Error(`search answered ${res.status}`);
  return ((await res.json()) as { total: number }).total;
}

/** What one request of a load got. */
export interface Outcome {
  readonly status: number;
  /** 0 when the request failed without an answer (refused, reset). */
  readonly id?: string;
  readonly retryAfter?: string | null;
  readonly startedAt: number;
  readonly ms: number;
  readonly error?: string;
}

/**
 * Calls `url` from `parallel` loops, each starting its next request as soon as the last one
 * ends, until `until()` says stop or `count` requests were sent. Each request is bounded by
 * `timeoutMs`; with `pauseMs`, each loop waits that long between requests (a steady rate that a
 * worker keeps up with, where the default is as fast as the webserver answers). Returns every
 * outcome, answered or not.
 */
export async function load(url: string, options: { parallel: number; count?: number; until?: () => boolean; timeoutMs?: number; body?: string; pauseMs?: number }): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let sent = 0;
  const more = () => (options.count === undefined || sent < options.count) && !(options.until?.() ?? false);
  await Promise.all(Array.from({ length: options.parallel }, async () => {
    while (more()) {
      sent++;
      const startedAt = Date.now();
      try {
        const res = await fetch(url, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: options.body ?? '{"n":1}',
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        const text = await res.text();
        const id = res.status === 200 ? (JSON.parse(text) as { id: string }).id : undefined;
        outcomes.push({ status: res.status, ...(id ? { id } : {}), retryAfter: res.headers.get('retry-after'), startedAt, ms: Date.now() - startedAt });
        if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
      } catch (error) {
        outcomes.push({ status: 0, startedAt, ms: Date.now() - startedAt, error: String((error as Error).cause ?? error) });
        // Refused: the server is gone; do not spin.
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }));
  return outcomes;
}

/** Resident memory of a process in bytes, from /proc (Linux). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}

/** A throwaway `redis-server` that keeps what it acknowledged across a SIGKILL (see startRedis). */
export function startDurableRedis(port: number, dir: string, timeoutMs = 10_000): Promise<ThrowawayRedis> {
  return startRedis(port, timeoutMs, dir);
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
