import type { KvAccess, LogLevel, TaskContext, TaskStorage } from '@sluice/core';
import { engineErrors } from '../errors.js';
import { isTruthy, renderDeep, renderTemplate, type ExpressionFunctions } from '../expression/index.js';
import type { FlowRevision, FlowTask } from '../flow/flow.types.js';
import type { Execution, LogEntry, TaskRun } from '../model/execution.js';
import type { StateType } from '../model/state.js';
import { prepareProps, type PluginRegistry, type RegisteredTask } from '../plugins/index.js';
import type { SecretReader } from '../secrets/index.js';
import { failedState } from './final-state.js';
import { kvFunction, type KvValues } from './kv-ahead.js';
import { readFunction, type ReadAhead } from './read-ahead.js';
import type { FileStorage } from '../ports/ports.js';
import { createTaskStorage } from '../storage/index.js';
import { mentionsOutputs, runVariables, variablesWithoutOutputs } from './run-variables.js';
import { createTaskLogger, minLevelOf, type TaskLogger } from './task-logger.js';
import { endTaskRun } from './task-runs.js';

/** What running any task needs from the executor, the same for every task of an execution. */
export interface TaskRunScope {
  readonly flow: FlowRevision;
  readonly registry: PluginRegistry;
  readonly secrets: SecretReader;
  readonly now: () => Date;
  /** Numbers in [0, 1) for `random` retries; `Math.random` unless a test fixes them. */
  readonly random?: () => number;
  readonly jobSignal: AbortSignal;
  /** Stores log lines now: a task that logs more than a batch mid-run. */
  readonly appendLogs: (entries: readonly LogEntry[]) => Promise<void>;
  /** The tenant's key-value store, as tasks get it. */
  readonly kv: KvAccess;
  /** The `kv()` values read ahead for the task being rendered (see kv-ahead.ts). */
  readonly kvValues?: KvValues;
  /** Internal storage, for `ctx.storage` and `read()`; calls fail with `STORAGE_UNAVAILABLE` without one. */
  readonly storage?: FileStorage;
  /** The execution's ERROR log lines as stored now, for `errorLogs()`. */
  readonly errorLogs?: () => Promise<readonly LogEntry[]>;
  /** What `read()` and `errorLogs()` return for the task being rendered (see read-ahead.ts). */
  readonly readAhead?: ReadAhead;
}

/** A task run ended (or, for a flowable, started with its plan) and the log lines to store with it. */
export interface TaskRunChange {
  readonly taskRun: TaskRun;
  readonly logs: readonly LogEntry[];
}

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The expression functions of a run: secrets (read and remembered for masking) and the clock. */
export function functionsOf(scope: TaskRunScope): ExpressionFunctions {
  let functions = functionsByScope.get(scope);
  if (functions === undefined) {
    // The functions hold the scope's parts, never the scope itself: a value that reaches its
    // WeakMap key keeps both alive through every young collection (V8's scavenger counts the
    // values of a WeakMap in the old generation as live, and such a value keeps the key alive),
    // so each scope, its execution and everything they held were promoted to the old generation
    // and kept there until a full collection. Holding the scope cost the worker a tenth of its
    // CPU per execution ("Twelfth round" in docs/performance.md).
    const { secrets, readAhead } = scope;
    functions = {
      secret: (name) => secrets.read(name), now: scope.now, kv: kvFunction(scope.flow.namespace, scope.kvValues),
      read: readFunction(readAhead), errorLogs: () => readAhead?.errorLogs ?? [],
    };
    functionsByScope.set(scope, functions);
  }
  return functions;
}

// They depend on the scope alone, and most tasks of a run share one (those whose templates read
// no store, see ahead.ts): made once per scope, not once per task. Its values must not reach
// their keys (see functionsOf).
const functionsByScope = new WeakMap<TaskRunScope, ExpressionFunctions>();

/** One ERROR line about `taskRun`, masked. */
export function errorLine(scope: TaskRunScope, execution: Execution, task: FlowTask, taskRun: TaskRun, message: string): LogEntry {
  return {
    tenantId: execution.tenantId, namespace: execution.namespace, flowId: execution.flowId, executionId: execution.id,
    taskId: task.id, taskRunId: taskRun.id, timestamp: scope.now().toISOString(), level: 'ERROR', message: scope.secrets.mask(message),
  };
}

/**
 * Kestra's `runIf`: undefined when the task must run; otherwise its task run ended SKIPPED (a
 * falsy result) or FAILED (the condition failed to render, logged).
 */
export function skipByRunIf(scope: TaskRunScope, execution: Execution, task: FlowTask, taskRun: TaskRun): TaskRunChange | undefined {
  if (task.runIf === undefined) return undefined;
  const variables = runVariables(scope.flow, execution, task, taskRun);
  try {
    if (isTruthy(renderTemplate(task.runIf, variables, { functions: functionsOf(scope) }))) return undefined;
    return { taskRun: endTaskRun(taskRun, 'SKIPPED', {}, scope.now()), logs: [] };
  } catch (error) {
    const line = errorLine(scope, execution, task, taskRun, `runIf of task '${task.id}' failed: ${messageOf(error)}`);
    return { taskRun: endTaskRun(taskRun, failedState(task), {}, scope.now()), logs: [line] };
  }
}

// A plugin's `ctx.signal` is read through this getter, shared by every context, so the task's
// AbortController is made only when a plugin asks for it (see call-plugin.ts). A getter written
// in each context's literal would make every context a dictionary-mode object (µs each).
const LAZY_SIGNAL = Symbol('sluice.taskSignal');
// `ctx.storage` likewise, made from the context's ids when a plugin first reads it (few do):
// each one was five objects and three closures per task.
const STORAGE_PORT = Symbol('sluice.storagePort');
const STORAGE = Symbol('sluice.storage');
interface LazyParts {
  readonly [LAZY_SIGNAL]: () => AbortSignal;
  readonly [STORAGE_PORT]: FileStorage | undefined;
  [STORAGE]?: TaskStorage;
  readonly ids: TaskContext['ids'];
}
const contextPrototype: object = Object.defineProperties({}, {
  signal: {
    enumerable: true,
    get(this: LazyParts): AbortSignal {
      return this[LAZY_SIGNAL]();
    },
  },
  storage: {
    enumerable: true,
    get(this: LazyParts): TaskStorage {
      return (this[STORAGE] ??= createTaskStorage(this[STORAGE_PORT], this.ids));
    },
  },
});

/** What {@link TaskRunScope}-bound plugin calls share: the entry, rendered props, a logger and a context. */
export interface PreparedCall {
  readonly entry: RegisteredTask;
  readonly props: Record<string, unknown>;
  readonly logger: TaskLogger;
  /** The context for the plugin, whose `signal` is what `signal` returns, asked when read. */
  readonly context: (signal: () => AbortSignal) => TaskContext;
}

/**
 * A logger bound to `taskRun`'s current attempt. With `keepLines`, it never stores lines on its
 * own mid-run: all go with the end (a side-effect-free task's, whose start may be unsaved, so
 * lines stored before its end could outlive a crash that makes it run again).
 */
export function loggerOf(scope: TaskRunScope, execution: Execution, task: FlowTask, taskRun: TaskRun, keepLines = false): TaskLogger {
  // Built field by field, one shape for every task run: spreads of optional parts made this a
  // measurable part of a Log task's cost.
  const attempts = taskRun.attempts.length;
  const { tenantId, namespace, flowId, id: executionId } = execution;
  const taskId = task.id;
  const taskRunId = taskRun.id;
  // Each line as one literal of fixed keys, one shape with or without an attempt (see TaskLoggerOptions.line).
  const line = attempts > 0
    ? (timestamp: string, level: LogLevel, message: string): LogEntry => ({ tenantId, namespace, flowId, executionId, taskId, taskRunId, attemptNumber: attempts, timestamp, level, message })
    : (timestamp: string, level: LogLevel, message: string): LogEntry => ({ tenantId, namespace, flowId, executionId, taskId, taskRunId, timestamp, level, message });
  return createTaskLogger({
    line,
    now: scope.now,
    minLevel: minLevelOf(task.logLevel),
    // The reader's own function: it is called unbound, as a closure over its secrets.
    mask: scope.secrets.mask,
    append: scope.appendLogs,
    maxBuffer: keepLines ? Number.POSITIVE_INFINITY : undefined,
  });
}

/**
 * Resolves the task's plugin, renders its host-rendered props against the execution as it is
 * now and validates them. Throws `TASK_UNKNOWN_TYPE` or `TASK_PROPS_INVALID`.
 */
export function prepareCall(scope: TaskRunScope, execution: Execution, task: FlowTask, taskRun: TaskRun, logger: TaskLogger): PreparedCall {
  const functions = functionsOf(scope);
  // The props render with `outputs` and `tasks` only when they may read them (most tasks do not,
  // and offering them costs a proxy); what the plugin renders itself, unknown until it does,
  // always has them.
  let variables = mentionsOutputs(task) ? runVariables(scope.flow, execution, task, taskRun) : undefined;
  const pluginVariables = () => (variables ??= runVariables(scope.flow, execution, task, taskRun));
  const render = (template: string, extra?: Readonly<Record<string, unknown>>) =>
    renderTemplate(template, extra ? { ...pluginVariables(), ...extra } : pluginVariables(), { functions });
  const entry = scope.registry.task(task.type);
  if (!entry) throw engineErrors.TASK_UNKNOWN_TYPE(task.id, task.type);
  const propsVariables = variables ?? variablesWithoutOutputs(scope.flow, execution, task, taskRun);
  const renderOptions = { functions };
  const prepared = prepareProps(entry, task.props, (value) => renderDeep(value, propsVariables, renderOptions));
  if (!prepared.ok) throw engineErrors.TASK_PROPS_INVALID(task.id, prepared.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  return {
    entry,
    props: prepared.props,
    logger,
    context: (signal) => {
      // Stored key by key on an object of the shared prototype: every context then has one
      // hidden class, where Object.assign of a literal copied each key through the runtime.
      const context = Object.create(contextPrototype) as Record<string | symbol, unknown>;
      context.ids = {
        tenantId: execution.tenantId, namespace: execution.namespace, flowId: execution.flowId, flowRevision: execution.flowRevision,
        executionId: execution.id, taskId: task.id, taskRunId: taskRun.id, attempt: Math.max(1, taskRun.attempts.length),
      };
      context.logger = logger;
      context[LAZY_SIGNAL] = signal;
      context.secret = (name: string) => scope.secrets.read(name);
      context.kv = scope.kv;
      context[STORAGE_PORT] = scope.storage;
      context.render = render;
      context.test = (template: string, extra?: Readonly<Record<string, unknown>>) => isTruthy(render(template, extra));
      return context as unknown as TaskContext;
    },
  };
}

/** The end state of a task run whose task threw. */
export function stateOnError(task: FlowTask): StateType {
  return failedState(task);
}
