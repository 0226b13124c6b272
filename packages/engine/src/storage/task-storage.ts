import type { FileContent, StoredFile, TaskStorage } from '@sluice/core';
import { engineErrors } from '../errors.js';
import type { FileStorage } from '../ports/ports.js';
import { checkFileName, fileUri, pathOfUri, taskRunFolder, type ExecutionFilesIds } from './storage-uri.js';

/** The largest file a task may write, whatever it asks: 10 GiB. */
export const STORAGE_MAX_FILE_BYTES = 10 * 1024 ** 3;

/** The ids a task run's storage is scoped to. */
export interface TaskFilesIds extends ExecutionFilesIds {
  readonly taskId: string;
  readonly taskRunId: string;
}

async function* chunksOf(content: FileContent): AsyncIterable<Uint8Array> {
  if (typeof content === 'string') yield Buffer.from(content, 'utf8');
  else if (content instanceof Uint8Array) yield content;
  else yield* content;
}

/** Storage that refuses every call: a host run without one (tests that never touch files). */
const missing = (): never => {
  throw engineErrors.STORAGE_UNAVAILABLE('this host has no internal storage configured');
};

/**
 * A task run's view of internal storage (`ctx.storage`): it writes under its own folder
 * (`tasks/<task>/<task run>/`) and reads any file of its execution, every name and URI checked.
 */
export function createTaskStorage(storage: FileStorage | undefined, ids: TaskFilesIds): TaskStorage {
  const owner = { tenantId: ids.tenantId, executionId: ids.executionId };
  return {
    async put(name, content, options = {}): Promise<StoredFile> {
      if (storage === undefined) return missing();
      const path = [...taskRunFolder(ids.taskId, ids.taskRunId), checkFileName(name)];
      const maxBytes = Math.min(options.maxBytes ?? STORAGE_MAX_FILE_BYTES, STORAGE_MAX_FILE_BYTES);
      const size = await storage.put({ ...owner, path }, chunksOf(content), { maxBytes });
      return { uri: fileUri(ids, path), size };
    },
    async get(uri) {
      if (storage === undefined) return missing();
      const found = await storage.get({ ...owner, path: pathOfUri(ids, uri) });
      if (found === undefined) throw engineErrors.STORAGE_FILE_NOT_FOUND(uri);
      return found;
    },
    async stat(uri) {
      if (storage === undefined) return missing();
      const found = await storage.stat({ ...owner, path: pathOfUri(ids, uri) });
      return found === undefined ? undefined : { uri, size: found.size };
    },
  };
}

/**
 * The whole text of a file of the execution, at most `maxBytes` (what `read()` renders). Throws
 * as {@link pathOfUri} does, `STORAGE_FILE_NOT_FOUND`, `STORAGE_FILE_TOO_LARGE` past the limit
 * (read no further), or `READ_NOT_TEXT` for bytes that are not UTF-8.
 */
export async function readText(storage: FileStorage | undefined, ids: ExecutionFilesIds, uri: string, maxBytes: number): Promise<string> {
  if (storage === undefined) return missing();
  const key = { tenantId: ids.tenantId, executionId: ids.executionId, path: pathOfUri(ids, uri) };
  const found = await storage.stat(key);
  if (found === undefined) throw engineErrors.STORAGE_FILE_NOT_FOUND(uri);
  if (found.size > maxBytes) throw engineErrors.STORAGE_FILE_TOO_LARGE(`read('${uri}'): the file (${found.size} bytes)`, maxBytes);
  const stream = await storage.get(key);
  if (stream === undefined) throw engineErrors.STORAGE_FILE_NOT_FOUND(uri);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.byteLength;
    // The file may have grown since stat: stop at the limit all the same.
    if (size > maxBytes) throw engineErrors.STORAGE_FILE_TOO_LARGE(`read('${uri}'): the file`, maxBytes);
    chunks.push(chunk);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw engineErrors.READ_NOT_TEXT(uri);
  }
}
