import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isSluiceError } from '@sluice/core';
import { engineErrors } from '../errors.js';
import type { FileKey, FilesOwner, FileStat, FileStorage } from '../ports/ports.js';
import { byteLimit } from './limit-bytes.js';
import { segmentProblem } from './storage-uri.js';

const EXECUTIONS = 'executions';

const codeOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

/** Anything but a missing file is the storage failing (a permission, a full disk, an unmounted share). */
function unavailable(error: unknown, what: string): Error {
  if (isSluiceError(error)) return error;
  return engineErrors.STORAGE_UNAVAILABLE(`${what}: ${codeOf(error) ?? (error instanceof Error ? error.message : String(error))}`, { cause: error, retryable: true });
}

/**
 * Internal storage in a folder: `<root>/<tenant>/executions/<execution id>/<path>`, so an
 * execution's files are one folder, deleted in one step and found by listing. Point every worker
 * (on every machine) at one shared folder (NFS, SMB, a mounted volume) and they share files.
 *
 * Every path is built from segments checked to be plain names, then resolved and checked to lie
 * inside `root` before any file is touched, so no key can reach outside the folder. A file is
 * written to a temporary name beside it, streamed, then renamed into place: readers never see half
 * a file, and a failed write leaves nothing.
 */
export function createLocalStorage(root: string): FileStorage {
  const base = resolve(root);

  const folderOf = (owner: FilesOwner): string => within([owner.tenantId, EXECUTIONS, owner.executionId]);
  function within(segments: readonly string[]): string {
    for (const segment of segments) {
      const problem = segmentProblem(segment);
      if (problem !== undefined) throw engineErrors.STORAGE_INVALID_NAME(segment, problem);
    }
    const path = resolve(base, ...segments);
    if (!path.startsWith(base + sep)) throw engineErrors.STORAGE_INVALID_NAME(segments.join('/'), 'it leads outside the storage folder');
    return path;
  }
  const fileOf = (key: FileKey): string => {
    if (key.path.length === 0) throw engineErrors.STORAGE_INVALID_NAME('', 'a file needs a name');
    return within([key.tenantId, EXECUTIONS, key.executionId, ...key.path]);
  };

  async function statOf(path: string): Promise<FileStat | undefined> {
    try {
      const found = await stat(path);
      return found.isFile() ? { size: found.size, modifiedAt: found.mtimeMs } : undefined;
    } catch (error) {
      if (codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR') return undefined;
      throw unavailable(error, 'reading a file');
    }
  }

  return {
    async put(key, content, { maxBytes }) {
      const path = fileOf(key);
      const folder = resolve(path, '..');
      const temporary = resolve(folder, `.${randomUUID()}.part`);
      const limit = byteLimit(maxBytes, `the file '${key.path.join('/')}'`);
      // The content's own failure (a download cut short, an abort) goes up as it is, not as the storage's.
      let failed: { error: unknown } | undefined;
      async function* source() {
        try {
          for await (const chunk of content) yield chunk;
        } catch (error) {
          failed = { error };
          throw error;
        }
      }
      try {
        await mkdir(folder, { recursive: true });
        await pipeline(Readable.from(source(), { objectMode: false }), limit, createWriteStream(temporary, { flags: 'wx' }));
        await rename(temporary, path);
        return limit.bytes();
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        if (failed !== undefined) throw failed.error;
        throw unavailable(error, 'writing a file');
      }
    },
    async get(key) {
      const path = fileOf(key);
      if ((await statOf(path)) === undefined) return undefined;
      return createReadStream(path);
    },
    stat: (key) => statOf(fileOf(key)),
    async deleteExecution(owner) {
      const folder = folderOf(owner);
      const existed = (await stat(folder).catch(() => undefined)) !== undefined;
      try {
        await rm(folder, { recursive: true, force: true });
      } catch (error) {
        throw unavailable(error, 'deleting an execution\'s files');
      }
      return existed;
    },
    async *executions() {
      const list = async (path: string): Promise<string[]> => {
        try {
          return (await readdir(path, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
        } catch (error) {
          if (codeOf(error) === 'ENOENT') return [];
          throw unavailable(error, 'listing files');
        }
      };
      for (const tenantId of await list(base)) {
        for (const executionId of await list(resolve(base, tenantId, EXECUTIONS))) yield { tenantId, executionId };
      }
    },
  };
}
