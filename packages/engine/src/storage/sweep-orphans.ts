import type { ExecutionRepository, FileStorage } from '../ports/ports.js';

/**
 * Deletes the files of executions the store no longer has: those retention removed (by age or
 * count on SQLite and in memory, by TTL on Redis), or that a memory runtime forgot at a restart.
 * Files are written only by a running execution, which the store holds, so an execution that is
 * gone has no writer left. Resolves with how many executions' files were deleted.
 */
export async function sweepOrphanFiles(storage: FileStorage, executions: Pick<ExecutionRepository, 'get'>, signal?: AbortSignal): Promise<number> {
  let deleted = 0;
  for await (const owner of storage.executions()) {
    if (signal?.aborted) break;
    if ((await executions.get(owner.executionId)) !== undefined) continue;
    if (await storage.deleteExecution(owner)) deleted++;
  }
  return deleted;
}
