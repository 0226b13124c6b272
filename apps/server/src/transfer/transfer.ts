import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isSluiceError, parseJson, stringifyJson } from '@sluice/core';
import { randomUUID } from 'node:crypto';
import { isTerminated, parseFlow, type Execution, type KvEntry, type LogEntry, type PluginRegistry, type Runtime, type TriggerState } from '@sluice/engine';
import { TENANT } from '../http/api-router.js';

/** The folder layout of an export: a flows folder (usable as SLUICE_FLOWS_DIR too) and one JSON line per execution. */
export const EXPORT_FLOWS = 'flows';
export const EXPORT_EXECUTIONS = 'executions.jsonl';
/** One key-value entry per line, with its namespace and key. */
export const EXPORT_KV = 'kv.jsonl';
/** One trigger state per line (cursor, counters, the API's disabled flag), without its lease. */
export const EXPORT_TRIGGERS = 'triggers.jsonl';

/** One line of {@link EXPORT_EXECUTIONS}. */
interface ExecutionLine {
  readonly execution: Execution;
  readonly logs: readonly LogEntry[];
}

/** One line of {@link EXPORT_KV}. */
interface KvLine {
  readonly namespace: string;
  readonly key: string;
  readonly entry: KvEntry;
}

/** One line of {@link EXPORT_TRIGGERS}: a state without its lease, which belongs to a process of the old store. */
type TriggerLine = Omit<TriggerState, 'holder' | 'leaseUntil'>;

/** What an export or an import moved. */
export interface TransferCount {
  readonly flows: number;
  readonly executions: number;
  readonly kv: number;
  readonly triggers: number;
  /** Import only: executions, key-value entries and trigger states already in the target store, left as they were. */
  readonly skipped?: number;
  /** Import only: flow files the target refused, with why. */
  readonly failed?: readonly string[];
}

const PAGE = 500;
// How long the import holds a trigger's lease while it writes the state: no server runs meanwhile.
const IMPORT_LEASE_MS = 60_000;

/** Writes `lines` as JSON lines to `file`, waiting for the stream when it is full; resolves with the count. */
async function writeLines(file: string, lines: AsyncIterable<unknown>): Promise<number> {
  const out = createWriteStream(file);
  let count = 0;
  for await (const line of lines) {
    // Lossless: an integer beyond 2^53 in a body, an output or a value moves exact.
    if (!out.write(`${stringifyJson(line)}\n`)) await once(out, 'drain');
    count++;
  }
  out.end();
  await once(out, 'finish');
  return count;
}

/** The JSON lines of `file`, parsed one at a time (none when it is absent: an export of an older version). */
async function* readLines<T>(file: string): AsyncGenerator<T> {
  if (!existsSync(file)) return;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (text.trim() !== '') yield parseJson(text) as T;
  }
}

async function* kvLines(runtime: Runtime): AsyncGenerator<KvLine> {
  for (const namespace of await runtime.kv.namespaces(TENANT)) {
    for (const key of await runtime.kv.keys(TENANT, namespace)) {
      const entry = await runtime.kv.get({ tenantId: TENANT, namespace, key });
      if (entry !== undefined) yield { namespace, key, entry };
    }
  }
}

async function* triggerLines(runtime: Runtime): AsyncGenerator<TriggerLine> {
  for (const { holder: _holder, leaseUntil: _leaseUntil, ...state } of await runtime.triggers.list(TENANT)) yield state;
}

/**
 * Writes every live flow of the store (its latest source, as saved) to `<dir>/flows`, and with
 * `executions` every execution with its logs to `<dir>/executions.jsonl`, oldest first. Meant
 * for a store nothing writes to meanwhile (the SQLite runtime's lock sees to it: stop the server).
 */
export async function exportStore(runtime: Runtime, dir: string, options: { readonly executions: boolean }): Promise<TransferCount> {
  const flowsDir = join(dir, EXPORT_FLOWS);
  mkdirSync(flowsDir, { recursive: true });
  const flows = await runtime.flows.list(TENANT);
  for (const flow of flows) writeFileSync(join(flowsDir, `${flow.namespace}.${flow.id}.yaml`), flow.source);
  const kv = await writeLines(join(dir, EXPORT_KV), kvLines(runtime));
  const triggers = await writeLines(join(dir, EXPORT_TRIGGERS), triggerLines(runtime));
  const executions = options.executions ? await writeLines(join(dir, EXPORT_EXECUTIONS), executionLines(runtime)) : 0;
  return { flows: flows.length, executions, kv, triggers };
}

// Searches are newest first: the pages are read from the last, so the file is oldest first and
// an import creates them in their order without holding the file in memory.
async function* executionLines(runtime: Runtime): AsyncGenerator<ExecutionLine> {
  const { total } = await runtime.executions.search({ tenantId: TENANT, page: 1, size: 0 });
  for (let page = Math.ceil(total / PAGE); page >= 1; page--) {
    const { results } = await runtime.executions.search({ tenantId: TENANT, page, size: PAGE });
    for (const execution of [...results].reverse()) yield { execution, logs: await runtime.logs.list(execution.id) };
  }
}

/**
 * Writes an exported trigger state under a lease of the import's own (so the store's fencing
 * applies as to any writer), unless the target already has one with history: a trigger that ran
 * there, or was disabled there, keeps its own. False when skipped.
 */
async function importTriggerState(runtime: Runtime, line: TriggerLine): Promise<boolean> {
  const holder = `sluice-import-${randomUUID()}`;
  const held = await runtime.triggers.acquire(line.key, holder, IMPORT_LEASE_MS);
  if (held === undefined) return false;
  try {
    const fresh = held.executions === 0 && held.errors === 0 && held.rejected === 0 && held.cursor === undefined && !held.disabled && held.lastEvaluatedAt === undefined;
    if (!fresh) return false;
    await runtime.triggers.update(line.key, holder, {
      ...(line.cursor === undefined ? {} : { cursor: line.cursor }),
      ...(line.lastEvaluatedAt === undefined ? {} : { lastEvaluatedAt: line.lastEvaluatedAt }),
      ...(line.nextPollAt === undefined ? {} : { nextPollAt: line.nextPollAt }),
      ...(line.lastExecutionId === undefined ? {} : { lastExecutionId: line.lastExecutionId }),
      ...(line.lastError === undefined ? {} : { lastError: line.lastError }),
      addExecutions: line.executions, addErrors: line.errors, addRejected: line.rejected,
    });
    if (line.disabled) await runtime.triggers.setDisabled(line.key, true, line.disabledBy);
    return true;
  } finally {
    await runtime.triggers.release(line.key, holder);
  }
}

/**
 * Reads an export into the store: every flow file is validated with the loaded plugins and
 * saved (an unchanged source makes no new revision), every execution is created with its logs
 * unless its id exists already, and one not yet terminated is queued as well, so it runs on
 * the new store.
 */
export async function importStore(runtime: Runtime, registry: PluginRegistry, dir: string): Promise<TransferCount> {
  const flowsDir = join(dir, EXPORT_FLOWS);
  if (!existsSync(flowsDir)) throw new Error(`${dir} holds no '${EXPORT_FLOWS}' folder: is it an export of 'sluice export'?`);
  const failed: string[] = [];
  let flows = 0;
  for (const name of readdirSync(flowsDir).filter((n) => /\.ya?ml$/i.test(n)).sort()) {
    const source = readFileSync(join(flowsDir, name), 'utf8');
    const parsed = parseFlow(source, registry, { tenantId: TENANT });
    if (!parsed.ok) {
      failed.push(`${name}: ${parsed.errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`).join('; ')}`);
      continue;
    }
    await runtime.flows.save({ ...parsed.flow, source });
    flows++;
  }
  let executions = 0;
  let kv = 0;
  let triggers = 0;
  let skipped = 0;
  for await (const { namespace, key, entry } of readLines<KvLine>(join(dir, EXPORT_KV))) {
    // An entry that expired since the export is not brought back to life.
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) continue;
    if (await runtime.kv.set({ tenantId: TENANT, namespace, key }, entry, { overwrite: false })) kv++;
    else skipped++;
  }
  for await (const line of readLines<TriggerLine>(join(dir, EXPORT_TRIGGERS))) {
    if (await importTriggerState(runtime, line)) triggers++;
    else skipped++;
  }
  for await (const { execution, logs } of readLines<ExecutionLine>(join(dir, EXPORT_EXECUTIONS))) {
    try {
      if (isTerminated(execution.state.current)) await runtime.executions.create(execution);
      else await runtime.submit(execution);
    } catch (error) {
      if (!isSluiceError(error, 'RUNTIME_DUPLICATE_EXECUTION')) throw error;
      skipped++;
      continue;
    }
    if (logs.length > 0) await runtime.logs.append(logs);
    executions++;
  }
  return { flows, executions, kv, triggers, skipped, failed };
}
