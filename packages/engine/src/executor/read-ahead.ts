import { engineErrors } from '../errors.js';
import type { ExpressionFunctions } from '../expression/index.js';
import type { FlowTask } from '../flow/flow.types.js';
import type { Execution, LogEntry, TaskRun } from '../model/execution.js';
import { readText } from '../storage/index.js';
import { dryRender, kvFunction } from './kv-ahead.js';
import { runVariables } from './run-variables.js';
import type { TaskRunScope } from './run-task.js';

/**
 * The largest file `read()` returns: 1 MiB. Its text lands in the task's rendered props (and
 * often in a log line or an output); bigger files are for tasks that stream them (`ctx.storage`).
 */
export const READ_MAX_BYTES = 1024 * 1024;
/** Files one task's templates may read. */
export const READ_MAX_FILES = 16;
// Rounds of reading ahead: a URI read from another file's text needs a second one.
const MAX_ROUNDS = 3;

/** What a task's templates read ahead: files by URI (an error for one that could not be read), and the ERROR lines. */
export interface ReadAhead {
  readonly files: ReadonlyMap<string, { readonly text: string } | { readonly error: Error }>;
  readonly errorLogs?: readonly Record<string, unknown>[];
}

interface Mentions {
  readonly read: boolean;
  readonly errorLogs: boolean;
}
const mentions = new WeakMap<FlowTask, Mentions>();
const mentionsOf = (task: FlowTask): Mentions => {
  let found = mentions.get(task);
  if (found === undefined) {
    const text = JSON.stringify([task.props, task.runIf ?? null]);
    found = { read: text.includes('read('), errorLogs: text.includes('errorLogs(') };
    mentions.set(task, found);
  }
  return found;
};

/** Whether `task`'s templates (props, runIf) call `read()` or `errorLogs()`: only then is anything read ahead for it. */
export const mentionsReads = (task: FlowTask): boolean => {
  const mention = mentionsOf(task);
  return mention.read || mention.errorLogs;
};

/**
 * `read()` over files read ahead (rendering is synchronous, storage is not). Without `ahead` it
 * records the URIs asked for and answers '': the dry run that finds them.
 */
export function readFunction(ahead: ReadAhead | undefined, asked?: Set<string>): (uri: string) => string {
  return (uri) => {
    const found = ahead?.files.get(uri);
    if (found === undefined) {
      if (asked) {
        asked.add(uri);
        return '';
      }
      throw engineErrors.READ_NOT_READ_AHEAD(uri.slice(0, 300));
    }
    if ('error' in found) throw found.error;
    return found.text;
  };
}

/** Kestra's log entry as a template sees it: the stored line's fields. */
const asTemplateValue = (line: LogEntry): Record<string, unknown> => JSON.parse(JSON.stringify(line)) as Record<string, unknown>;

/**
 * `scope` with what `task`'s templates (props, runIf) read through `read()` and `errorLogs()`,
 * fetched now: a dry render with a recording `read()` finds the URIs (a URI computed from
 * another file's text takes another round), each file of the execution is read up to
 * {@link READ_MAX_BYTES}, and the execution's ERROR lines are listed when a template calls
 * `errorLogs()`. A file that cannot be read (another execution's, missing, too large) is kept as
 * its error, which the real render raises. Tasks whose templates call neither cost nothing.
 */
export async function withReadAhead(scope: TaskRunScope, execution: Execution, task: FlowTask, taskRun: TaskRun): Promise<TaskRunScope> {
  const mention = mentionsOf(task);
  if (!mention.read && !mention.errorLogs) return scope;
  const errorLogs = mention.errorLogs && scope.errorLogs ? (await scope.errorLogs()).map(asTemplateValue) : undefined;
  const files = new Map<string, { text: string } | { error: Error }>();
  const ids = { tenantId: execution.tenantId, namespace: execution.namespace, flowId: execution.flowId, executionId: execution.id };
  if (mention.read) {
    const variables = runVariables(scope.flow, execution, task, taskRun);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const asked = new Set<string>();
      const functions: ExpressionFunctions = {
        secret: (name) => scope.secrets.read(name), now: scope.now, kv: kvFunction(execution.namespace, scope.kvValues),
        read: readFunction({ files }, asked), errorLogs: () => errorLogs ?? [],
      };
      dryRender(task, variables, functions);
      const missing = [...asked].filter((uri) => !files.has(uri));
      if (missing.length === 0) break;
      for (const uri of missing) {
        if (files.size >= READ_MAX_FILES) {
          files.set(uri, { error: engineErrors.READ_TOO_MANY_FILES(task.id, READ_MAX_FILES) });
          continue;
        }
        try {
          files.set(uri, { text: await readText(scope.storage, ids, uri, READ_MAX_BYTES) });
        } catch (error) {
          files.set(uri, { error: error instanceof Error ? error : new Error(String(error)) });
        }
      }
    }
  }
  return { ...scope, readAhead: { files, ...(errorLogs === undefined ? {} : { errorLogs }) } };
}
