import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowKey } from '@sluice/engine';

/**
 * Where the embedded runtime keeps the flows saved through the API: as YAML files in the flows
 * folder, read back at the next start, so nothing a user wrote is lost on restart though the
 * runtime itself keeps nothing. A flow loaded from a file is written back to that same file.
 */
export interface FlowFiles {
  readonly dir: string;
  /** Records that `key` was loaded from `file`, so a save through the API rewrites that file. */
  remember(key: FlowKey, file: string): void;
  /**
   * Writes `source` beside the flow's file, not over it yet: throws (leaving nothing) when it
   * cannot be written, so the caller saves nothing else. `commit` moves it into place in one
   * rename, `abort` removes it.
   */
  prepare(key: FlowKey, source: string): PendingFlowFile;
  /** Removes the flow's file; throws when it cannot, so the caller keeps the flow. */
  remove(key: FlowKey): void;
}

/** A flow file written beside its place, waiting for the store to take the flow. */
export interface PendingFlowFile {
  commit(): void;
  abort(): void;
}

const id = (k: FlowKey): string => JSON.stringify([k.tenantId, k.namespace, k.id]);

/** Readable characters of a generated file name; with the hash and suffixes the name stays far under 255 bytes. */
const READABLE_CHARS = 120;

/**
 * The file name of a flow saved through the API: readable (`namespace~id`, cut to 120
 * characters; `~` is in neither a namespace nor an id) and then a hash of the exact key, so two
 * flows never share a file: not `a.b`/`x.y` and `a.b.x`/`y`, not two ids that differ in case on
 * a case-insensitive disk, not two long names that share their first 120 characters. At most
 * about 150 bytes whatever the schema allows (a 150-character namespace and a 100-character id
 * would pass the usual 255-byte limit on names).
 */
export function flowFileName(key: FlowKey): string {
  const hash = createHash('sha256').update(id(key)).digest('hex').slice(0, 16);
  return `${`${key.namespace}~${key.id}`.slice(0, READABLE_CHARS)}~${hash}.yaml`;
}

export function createFlowFiles(dir: string): FlowFiles {
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, string>();
  const fileOf = (key: FlowKey): string => files.get(id(key)) ?? join(dir, flowFileName(key));
  return {
    dir,
    remember: (key, file) => void files.set(id(key), file),
    prepare(key, source) {
      const file = fileOf(key);
      // Write then rename, so the folder watcher never reads half a file and a failed write
      // leaves no file behind.
      const temp = `${file}.${process.pid}.tmp`;
      try {
        writeFileSync(temp, source);
      } catch (error) {
        rmSync(temp, { force: true });
        throw error;
      }
      return {
        commit() {
          renameSync(temp, file);
          files.set(id(key), file);
        },
        abort: () => rmSync(temp, { force: true }),
      };
    },
    remove(key) {
      rmSync(fileOf(key), { force: true });
      files.delete(id(key));
    },
  };
}
