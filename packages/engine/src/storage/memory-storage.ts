import type { FileKey, FilesOwner, FileStorage } from '../ports/ports.js';
import { engineErrors } from '../errors.js';
import { segmentProblem } from './storage-uri.js';

/**
 * Internal storage in memory, for tests and plugin authors' example runs: the same checks and
 * limits as the folder, nothing kept across a restart. Content is still read as a stream and
 * stored only once it is whole.
 */
export function createMemoryStorage(now: () => number = Date.now): FileStorage {
  const executions = new Map<string, { owner: FilesOwner; files: Map<string, { bytes: Buffer; modifiedAt: number }> }>();
  const ownerId = (owner: FilesOwner): string => JSON.stringify([owner.tenantId, owner.executionId]);
  const check = (segments: readonly string[]): void => {
    for (const segment of segments) {
      const problem = segmentProblem(segment);
      if (problem !== undefined) throw engineErrors.STORAGE_INVALID_NAME(segment, problem);
    }
  };
  const pathOf = (key: FileKey): string => {
    if (key.path.length === 0) throw engineErrors.STORAGE_INVALID_NAME('', 'a file needs a name');
    check([key.tenantId, key.executionId, ...key.path]);
    return key.path.join('/');
  };
  const find = (key: FileKey) => {
    const path = pathOf(key);
    return executions.get(ownerId(key))?.files.get(path);
  };
  return {
    async put(key, content, { maxBytes }) {
      const path = pathOf(key);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of content) {
        size += chunk.byteLength;
        if (size > maxBytes) throw engineErrors.STORAGE_FILE_TOO_LARGE(`the file '${path}'`, maxBytes);
        chunks.push(Buffer.from(chunk));
      }
      const id = ownerId(key);
      const entry = executions.get(id) ?? { owner: { tenantId: key.tenantId, executionId: key.executionId }, files: new Map() };
      entry.files.set(path, { bytes: Buffer.concat(chunks), modifiedAt: now() });
      executions.set(id, entry);
      return size;
    },
    async get(key) {
      const file = find(key);
      if (file === undefined) return undefined;
      const bytes = file.bytes;
      return (async function* () {
        yield bytes;
      })();
    },
    async stat(key) {
      const file = find(key);
      return file === undefined ? undefined : { size: file.bytes.byteLength, modifiedAt: file.modifiedAt };
    },
    async deleteExecution(owner) {
      check([owner.tenantId, owner.executionId]);
      return executions.delete(ownerId(owner));
    },
    async *executions() {
      for (const { owner } of [...executions.values()]) yield owner;
    },
  };
}
