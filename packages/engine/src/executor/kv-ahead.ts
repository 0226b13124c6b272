import type { KvValue } from '@sluice/core';
import { engineErrors } from '../errors.js';
import { renderDeep, renderTemplate, type ExpressionFunctions } from '../expression/index.js';
import type { FlowTask } from '../flow/flow.types.js';
import type { Execution, TaskRun } from '../model/execution.js';
import { runVariables } from './run-variables.js';
import type { TaskRunScope } from './run-task.js';

/** The `kv()` values one task's templates read, by `[namespace, key]`; `null` for no entry. */
export type KvValues = ReadonlyMap<string, KvValue | null>;

// Rounds of reading ahead: a key computed from another kv() value needs a second one.
const MAX_ROUNDS = 4;
/**
 * Renders a task's props and runIf only to learn what their functions ask for (the functions
 * record it); what fails is left for the real render to report.
 */
export function dryRender(task: FlowTask, variables: Readonly<Record<string, unknown>>, functions: ExpressionFunctions): void {
  const dry = (work: () => unknown) => {
    try {
      work();
    } catch {
      // The real render reports it.
    }
  };
  dry(() => renderDeep(task.props, variables, { functions }));
  if (task.runIf !== undefined) dry(() => renderTemplate(task.runIf as string, variables, { functions }));
}

const idOf = (namespace: string, key: string): string => JSON.stringify([namespace, key]);
// Asked for every task run, twice; a task's templates do not change, so each task is read once.
const mentions = new WeakMap<FlowTask, boolean>();
/** Whether `task`'s templates (props, runIf) call `kv()`: only then is anything read ahead for it. */
export const mentionsKv = (task: FlowTask): boolean => {
  let found = mentions.get(task);
  if (found === undefined) {
    found = JSON.stringify([task.props, task.runIf ?? null]).includes('kv(');
    mentions.set(task, found);
  }
  return found;
};

/** `namespace` and its parents, nearest first: `a.b.c`, `a.b`, `a`. */
function namespaceChain(namespace: string): string[] {
  const chain = [namespace];
  for (let dot = namespace.lastIndexOf('.'); dot > 0; dot = namespace.lastIndexOf('.', dot - 1)) chain.push(namespace.slice(0, dot));
  return chain;
}

/**
 * The `kv()` function of a render, over values read ahead (rendering is synchronous, the store
 * is not). Without `values` it records the keys asked for and answers null: the dry run that
 * finds them. Without a `namespace` argument a key missing in the flow's namespace is looked up
 * in its parents, nearest first, as Kestra's kv() does; a namespace given is read alone.
 */
export function kvFunction(defaultNamespace: string, values: KvValues | undefined, asked?: Set<string>): NonNullable<ExpressionFunctions['kv']> {
  return (key, namespace, errorOnMissing) => {
    const ns = namespace ?? defaultNamespace;
    for (const candidate of namespace === undefined ? namespaceChain(defaultNamespace) : [namespace]) {
      const id = idOf(candidate, key);
      if (!values?.has(id)) {
        if (asked) {
          asked.add(id);
          continue;
        }
        throw engineErrors.KV_NOT_READ_AHEAD(key);
      }
      const found = values.get(id);
      if (found) return found.value;
    }
    if (asked) return null;
    if (errorOnMissing) throw engineErrors.KV_KEY_NOT_FOUND(key, ns);
    return null;
  };
}

/**
 * `scope` with the `kv()` values `task`'s templates (props, runIf) read, fetched from the store
 * now. A dry render with a recording `kv()` finds the keys; a key that shows only once other
 * values are known (a key read from a kv() value) takes another round, up to four. Errors of
 * the dry renders are ignored: the real render reports them. Tasks whose templates never call
 * kv() cost nothing.
 */
export async function withKvAhead(scope: TaskRunScope, execution: Execution, task: FlowTask, taskRun: TaskRun): Promise<TaskRunScope> {
  if (!mentionsKv(task)) return scope;
  const variables = runVariables(scope.flow, execution, task, taskRun);
  const values = new Map<string, KvValue | null>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const asked = new Set<string>();
    const functions: ExpressionFunctions = { secret: (name) => scope.secrets.read(name), now: scope.now, kv: kvFunction(execution.namespace, values, asked) };
    dryRender(task, variables, functions);
    const missing = [...asked].filter((id) => !values.has(id));
    if (missing.length === 0) break;
    await Promise.all(missing.map(async (id) => {
      const [namespace, key] = JSON.parse(id) as [string, string];
      values.set(id, (await scope.kv.get(namespace, key)) ?? null);
    }));
  }
  return { ...scope, kvValues: values };
}
