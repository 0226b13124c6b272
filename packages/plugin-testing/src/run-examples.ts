import type { PluginExample, PluginPackage, StartDecision } from '@sluice/core';
import {
  createMemoryStorage,
  createExecution,
  createExecutor,
  dispatchWebhook,
  executionOfStart,
  prepareTrigger,
  runnableTriggersOf,
  fireSchedule,
  isTerminated,
  resumeExecution,
  parseFlow,
  schedulesOf,
  type Execution,
  type FlowRevision,
  type LogEntry,
  type PluginRegistry,
  type ScheduleSpec,
  type SecretProvider,
} from '@sluice/engine';
import { createMemoryRuntime } from '@sluice/runtime-memory';
import { asPackage, buildRegistry, type ExampleTarget } from './example-registry.js';
import { defaultWebhookKey, exampleToRequest } from './example-request.js';
import { missingLog, subsetDifferences } from './expectations.js';

/**
 * Options of {@link runExamples}.
 * @public
 */
export interface RunExamplesOptions {
  /**
   * Other plugin packages the examples use, e.g. the Log task's package for a trigger's
   * examples. Their own examples are not run.
   */
  readonly packages?: readonly PluginPackage[];
  /**
   * Input values for the examples started without a request or a schedule, as an API call
   * would pass them. Each example gets the ones its flow declares (others would be refused), so
   * examples can point at a server the test starts: `inputs: { base_url: server.url }`.
   */
  readonly inputs?: Readonly<Record<string, unknown>>;
  /**
   * Secrets by name, plain values (not base64), for `{{ secret('NAME') }}`. A name is looked up
   * as written, then upper-cased, as the server reads `SECRET_<NAME upper-cased>`.
   */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Tenant of the flows; `main`. */
  readonly tenantId?: string;
  /** The clock of the engine. */
  readonly now?: () => Date;
  /** How long one execution may take before the example fails; 10 seconds. */
  readonly timeoutMs?: number;
  /** Throw an error listing every failure once all examples ran; true. */
  readonly throwOnFailure?: boolean;
}

/**
 * What came of one example.
 * @public
 */
export interface ExampleResult {
  /** `<type> › <example title>`. */
  readonly name: string;
  /** The example as declared. */
  readonly example: PluginExample;
  /** True when every expectation held. */
  readonly ok: boolean;
  /** One line per expectation that did not hold. */
  readonly failures: readonly string[];
  /** For a webhook example: the status the request got. */
  readonly status?: number;
  /** The execution as it ended, when one was created. */
  readonly execution?: Execution;
  /** The execution's log entries, in order. */
  readonly logs: readonly LogEntry[];
}

const STATUS = { start: 200, skip: 204, 'not-found': 404, invalid: 422 } as const;

/**
 * Runs every example of a plugin package (or of one task or trigger) through the same pipeline
 * as the host: the flow is parsed and validated with the engine's `parseFlow`; a webhook
 * example's `request` goes through `dispatchWebhook` and must get `expect.status` (200 when
 * omitted: 204 skip, 404 not found, 422 invalid); an example without a request whose flow has
 * a schedule trigger fires that trigger's first tick after `now` through `fireSchedule` (a
 * skipped tick is 204); an example with a poll trigger polls once from no cursor and one with a
 * listen trigger listens until its first event, the first start making the execution (none is
 * 204); the execution (made by `createExecution` when there is none of these) is stored in an in-memory runtime and run by the engine's executor.
 * Then `expect.state` (SUCCESS when omitted), `expect.logs` (in order, other lines allowed
 * between) and `expect.triggerVariables` (a deep subset) are checked.
 *
 * Resolves to one result per example, and throws an error listing every failure unless
 * `throwOnFailure` is false.
 *
 * @example
 * ```ts
 * import plugin from './index.js';
 * it('runs every example', async () => {
 *   await runExamples(plugin, { packages: [logPlugin] });
 * });
 * ```
 * @public
 */
export async function runExamples(target: ExampleTarget, options: RunExamplesOptions = {}): Promise<readonly ExampleResult[]> {
  const pkg = asPackage(target);
  const registry = buildRegistry(pkg, options.packages ?? []);
  // As the server reads SECRET_<NAME upper-cased>, a name is found as given or upper-cased.
  const secrets: SecretProvider = (name) => {
    const given = options.secrets ?? {};
    if (Object.hasOwn(given, name)) return given[name];
    return Object.hasOwn(given, name.toUpperCase()) ? given[name.toUpperCase()] : undefined;
  };
  const definitions = [...pkg.tasks, ...pkg.triggers];
  if (definitions.every((definition) => definition.examples.length === 0)) throw new Error('runExamples: the target declares no examples');

  const results: ExampleResult[] = [];
  for (const definition of definitions) {
    const types = [definition.type, ...(definition.aliases ?? [])];
    for (const example of definition.examples) {
      const name = `${definition.type} › ${example.title}`;
      results.push(await runOne(name, example, types, { registry, secrets, options }));
    }
  }
  const failed = results.filter((result) => !result.ok);
  if (failed.length > 0 && options.throwOnFailure !== false) throw new Error(failureReport(failed, results.length));
  return results;
}

interface RunDeps {
  readonly registry: PluginRegistry;
  readonly secrets: SecretProvider;
  readonly options: RunExamplesOptions;
}

async function runOne(name: string, example: PluginExample, types: readonly string[], deps: RunDeps): Promise<ExampleResult> {
  const failures: string[] = [];
  const done = (extra: Partial<ExampleResult> = {}): ExampleResult => ({ name, example, ok: failures.length === 0, failures, logs: [], ...extra });

  // An example that does not use its plugin documents nothing about it.
  if (!types.some((type) => example.flow.includes(type))) failures.push(`the flow does not use ${types[0]}`);

  const parsed = parseFlow(example.flow, deps.registry, { tenantId: deps.options.tenantId ?? 'main' });
  if (!parsed.ok) {
    for (const problem of parsed.errors) failures.push(`flow invalid at ${problem.path} (line ${problem.line}, column ${problem.column}): ${problem.message} [${problem.code}]`);
    return done();
  }

  const runtime = createMemoryRuntime(deps.options.now === undefined ? {} : { now: deps.options.now });
  try {
    for (const [i, source] of (example.flows ?? []).entries()) {
      const other = parseFlow(source, deps.registry, { tenantId: deps.options.tenantId ?? 'main' });
      if (!other.ok) {
        for (const problem of other.errors) failures.push(`flows[${i}] invalid at ${problem.path} (line ${problem.line}, column ${problem.column}): ${problem.message} [${problem.code}]`);
        return done();
      }
      await runtime.flows.save({ ...other.flow, source });
    }
    const flow = await runtime.flows.save({ ...parsed.flow, source: example.flow });
    const started = await startExecution(example, flow, deps, failures);
    if (started.execution === undefined) return done(started.status === undefined ? {} : { status: started.status });

    await runtime.executions.create(started.execution);
    const executor = createExecutor({
      runtime,
      storage: createMemoryStorage(),
      registry: deps.registry,
      secrets: deps.secrets,
      ...(deps.options.now === undefined ? {} : { now: deps.options.now }),
    });
    const execution = await runToEnd(runtime, executor, example, started.execution.id, deps.options.timeoutMs ?? 10_000);
    const logs = await runtime.logs.list(execution.id);
    checkExecution(example, execution, logs, failures);
    return done({ execution, logs, ...(started.status === undefined ? {} : { status: started.status }) });
  } catch (error) {
    failures.push(`threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return done();
  } finally {
    await runtime.close();
  }
}

/** The execution to run, from the example's request or directly; none when the request starts nothing. */
async function startExecution(
  example: PluginExample,
  flow: FlowRevision,
  deps: RunDeps,
  failures: string[],
): Promise<{ execution?: Execution; status?: number }> {
  const now = deps.options.now?.();
  if (example.request === undefined) {
    const schedule = schedulesOf(flow, { registry: deps.registry, secrets: deps.secrets, ...(now === undefined ? {} : { now }) })[0];
    if (schedule !== undefined) return fireFirstTick(example, flow, schedule, deps, failures, now);
    const runnable = runnableTriggersOf(flow, deps.registry)[0];
    if (runnable !== undefined) return firstEvent(example, flow, runnable.key.triggerId, deps, failures);
    const inputs = declaredInputs(flow, deps.options.inputs ?? {});
    return { execution: createExecution({ flow, from: 'api', inputs, ...(now === undefined ? {} : { now }) }) };
  }
  const key = example.request.key ?? defaultWebhookKey(flow, deps.registry, deps.secrets);
  if (key === undefined) {
    failures.push('the example has a request but the flow has no webhook trigger with a key; set request.key');
    return {};
  }
  const decision = await dispatchWebhook({
    flow,
    registry: deps.registry,
    request: exampleToRequest(example.request, key),
    secrets: deps.secrets,
    tenantId: flow.tenantId,
    ...(now === undefined ? {} : { now }),
  });
  const status = STATUS[decision.kind];
  const expected = example.expect?.status ?? 200;
  if (status !== expected) {
    const why = decision.kind === 'invalid' ? `: ${decision.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}` : '';
    failures.push(`expected status ${expected}, got ${status} (${decision.kind})${why}`);
    return { status };
  }
  return decision.kind === 'start' ? { execution: decision.execution, status } : { status };
}

/** The given inputs the flow declares. */
function declaredInputs(flow: FlowRevision, given: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(flow.inputs.filter((input) => Object.hasOwn(given, input.id)).map((input) => [input.id, given[input.id]]));
}

/**
 * A schedule example (no request, a schedule trigger): its first tick after the clock (the
 * `now` option, else the real clock) goes through the engine's `fireSchedule`; a skipped tick
 * counts as status 204, like a webhook request its conditions turn away.
 */
async function fireFirstTick(
  example: PluginExample,
  flow: FlowRevision,
  schedule: ScheduleSpec,
  deps: RunDeps,
  failures: string[],
  now: Date | undefined,
): Promise<{ execution?: Execution; status?: number }> {
  const date = schedule.next(now ?? new Date());
  if (date === undefined) {
    failures.push('the schedule has no tick after now');
    return {};
  }
  const next = schedule.next(date);
  const firing = await fireSchedule({
    flow,
    triggerId: schedule.triggerId,
    tick: { date, ...(next === undefined ? {} : { next }) },
    registry: deps.registry,
    secrets: deps.secrets,
    ...(now === undefined ? {} : { now }),
  });
  const status = STATUS[firing.kind];
  const expected = example.expect?.status ?? 200;
  if (status !== expected) {
    const why = firing.kind === 'invalid' ? `: ${firing.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}` : 'reason' in firing ? `: ${firing.reason}` : '';
    failures.push(`expected status ${expected}, got ${status} (${firing.kind})${why}`);
    return { status };
  }
  return firing.kind === 'start' ? { execution: firing.execution, status } : { status };
}

/**
 * A poll or listen example (no request, a poll or listen trigger): a poll trigger is polled once
 * from no cursor, a listen trigger listens until its first emit (within `timeoutMs`) and is
 * stopped; the first start becomes the execution, as the host would make it. No start counts as
 * status 204.
 */
async function firstEvent(
  example: PluginExample,
  flow: FlowRevision,
  triggerId: string,
  deps: RunDeps,
  failures: string[],
): Promise<{ execution?: Execution; status?: number }> {
  const controller = new AbortController();
  const logger = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const prepared = prepareTrigger({ flow, triggerId, registry: deps.registry, secrets: deps.secrets, logger, signal: controller.signal });
  if (!prepared.ok) {
    failures.push(`the trigger cannot run: ${prepared.reason}`);
    return {};
  }
  const timeoutMs = deps.options.timeoutMs ?? 10_000;
  let start: StartDecision | undefined;
  try {
    if (prepared.definition.mode === 'poll') {
      start = (await prepared.definition.poll(prepared.ctx, prepared.props, undefined)).starts[0];
    } else {
      const definition = prepared.definition;
      let stop: (() => Promise<void>) | undefined;
      let timer: NodeJS.Timeout | undefined;
      const first = new Promise<StartDecision | undefined>((resolve, reject) => {
        timer = setTimeout(() => resolve(undefined), timeoutMs);
        void definition
          .listen(prepared.ctx, prepared.props, async (emitted) => resolve(emitted), (error) => reject(error instanceof Error ? error : new Error(String(error))))
          .then((stopper) => (stop = stopper), reject);
      });
      try {
        start = await first;
      } finally {
        clearTimeout(timer);
        controller.abort();
        await stop?.();
      }
    }
  } finally {
    controller.abort();
  }
  const status = start === undefined ? 204 : 200;
  const expected = example.expect?.status ?? 200;
  if (status !== expected) {
    failures.push(`expected status ${expected}, got ${status} (${start === undefined ? `no event within ${prepared.definition.mode === 'poll' ? 'the first poll' : `${timeoutMs} ms`}` : 'an event'})`);
    return { status };
  }
  if (start === undefined) return { status };
  const made = executionOfStart(prepared, start);
  if (made.kind === 'invalid') {
    failures.push(`the flow refused the event: ${made.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    return { status: 422 };
  }
  return { execution: made.execution, status };
}

function checkExecution(example: PluginExample, execution: Execution, logs: readonly LogEntry[], failures: string[]): void {
  const expected = example.expect ?? {};
  const state = expected.state ?? 'SUCCESS';
  if (execution.state.current !== state) failures.push(`expected state ${state}, got ${execution.state.current}`);
  const missing = missingLog(expected.logs ?? [], logs);
  if (missing) failures.push(`missing log line ${missing.level} ${JSON.stringify(missing.message)}`);
  if (expected.triggerVariables !== undefined) {
    for (const difference of subsetDifferences(expected.triggerVariables, execution.trigger?.variables, 'trigger')) {
      failures.push(`trigger variables: ${difference}`);
    }
  }
  // The log is what explains a wrong state or a missing line, so show it with the failure.
  if (failures.length > 0 && logs.length > 0) {
    failures.push(`the execution logged:\n${logs.map((line) => `        ${line.level} ${line.taskId ?? '-'}: ${line.message}`).join('\n')}`);
  }
}

/**
 * Runs the execution until it ends: a wait with a date (a Sleep, a timed Pause, a retry) is run
 * again once due, as the queue's delayed job would; a pause without one is resumed with the
 * example's `resume` inputs, as the API would.
 */
async function runToEnd(
  runtime: ReturnType<typeof createMemoryRuntime>, executor: ReturnType<typeof createExecutor>, example: PluginExample, id: string, timeoutMs: number,
): Promise<Execution> {
  const deadline = Date.now() + timeoutMs;
  let resumed = false;
  for (;;) {
    const execution = await withTimeout(executor, id, Math.max(1, deadline - Date.now()));
    if (isTerminated(execution.state.current)) return execution;
    // Executions it waits for (a Subflow's) run to their end, as workers would run them; then
    // it runs again, as their ends queue it.
    const children = execution.taskRunList.flatMap((run) => (run.wait?.child?.wait ? [run.wait.child.executionId] : []));
    if (children.length > 0) {
      for (const child of children) await runToEnd(runtime, executor, example, child, Math.max(1, deadline - Date.now()));
      continue;
    }
    const dates = execution.taskRunList.flatMap((run) => [run.wait?.until, run.retryAt]).filter((d): d is string => d !== undefined).map(Date.parse);
    if (dates.length > 0) {
      const left = Math.min(...dates) - Date.now();
      if (Date.now() + left > deadline) throw new Error(`the execution waits past the example's time limit (${timeoutMs} ms)`);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, left)));
      continue;
    }
    if (execution.state.current !== 'PAUSED' || example.resume === undefined || resumed) {
      throw new Error(`the execution is ${execution.state.current} and nothing will wake it; an example that pauses until resumed needs \`resume\``);
    }
    const result = resumeExecution({ execution, ...(example.resume.inputs === undefined ? {} : { inputs: example.resume.inputs }) });
    if (!result.ok) throw new Error(`resume refused: ${result.reason === 'invalid' ? result.errors.map((e) => `${e.path} ${e.message}`).join('; ') : result.message}`);
    await runtime.executions.save(result.execution, { expected: execution });
    resumed = true;
  }
}

async function withTimeout(executor: ReturnType<typeof createExecutor>, executionId: string, timeoutMs: number): Promise<Execution> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new Error('example timed out'));
      reject(new Error(`the execution did not end within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([executor.run(executionId, controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function failureReport(failed: readonly ExampleResult[], total: number): string {
  const lines = [`${failed.length} of ${total} example${total === 1 ? '' : 's'} failed:`];
  for (const result of failed) {
    lines.push(`  ✗ ${result.name}`);
    for (const failure of result.failures) lines.push(`      ${failure}`);
  }
  return lines.join('\n');
}
