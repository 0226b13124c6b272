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
  write(key: FlowKey, source: string): void;
  remove(key: FlowKey): void;
}

const id = (k: FlowKey): string => `${k.tenantId}/${k.namespace}/${k.id}`;

export function createFlowFiles(dir: string): FlowFiles {
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, string>();
  const fileOf = (key: FlowKey): string => files.get(id(key)) ?? join(dir, `${key.namespace}.${key.id}.yaml`);
  return {
    dir,
    remember: (key, file) => void files.set(id(key), file),
    write(key, source) {
      const file = fileOf(key);
      // Write then rename, so the folder watcher never reads half a file.
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, source);
      renameSync(temp, file);
      files.set(id(key), file);
    },
    remove(key) {
      rmSync(fileOf(key), { force: true });
      files.delete(id(key));
    },
  };
}
