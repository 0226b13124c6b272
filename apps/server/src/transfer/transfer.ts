import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isSluiceError } from '@sluice/core';
import { isTerminated, parseFlow, type Execution, type LogEntry, type PluginRegistry, type Runtime } from '@sluice/engine';
import { TENANT } from '../http/api-router.js';

/** The folder layout of an export: a flows folder (usable as SLUICE_FLOWS_DIR too) and one JSON line per execution. */
export const EXPORT_FLOWS = 'flows';
export const EXPORT_EXECUTIONS = 'executions.jsonl';

/** One line of {@link EXPORT_EXECUTIONS}. */
interface ExecutionLine {
  readonly execution: Execution;
  readonly logs: readonly LogEntry[];
}

/** What an export or an import moved. */
export interface TransferCount {
  readonly flows: number;
  readonly executions: number;
  /** Import only: executions already in the target store, left as they were. */
  readonly skipped?: number;
  /** Import only: flow files the target refused, with why. */
  readonly failed?: readonly string[];
}

const PAGE = 500;

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
  let executions = 0;
  if (options.executions) {
    const out = createWriteStream(join(dir, EXPORT_EXECUTIONS));
    // Searches are newest first: the pages are read from the last, so the file is oldest first
    // and an import creates them in their order without holding the file in memory.
    const { total } = await runtime.executions.search({ tenantId: TENANT, page: 1, size: 0 });
    for (let page = Math.ceil(total / PAGE); page >= 1; page--) {
      const { results } = await runtime.executions.search({ tenantId: TENANT, page, size: PAGE });
      for (const execution of [...results].reverse()) {
        const line: ExecutionLine = { execution, logs: await runtime.logs.list(execution.id) };
        if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
        executions++;
      }
    }
    out.end();
    await once(out, 'finish');
  }
  return { flows: flows.length, executions };
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
  let skipped = 0;
  const file = join(dir, EXPORT_EXECUTIONS);
  if (existsSync(file)) {
    for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      if (text.trim() === '') continue;
      const { execution, logs } = JSON.parse(text) as ExecutionLine;
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
  }
  return { flows, executions, skipped, failed };
}
