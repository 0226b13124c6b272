import type { FlowKey } from '@sluice/engine';

/**
 * The flows the API must not change: those loaded from a flows folder (`SLUICE_FLOWS_DIR`) that
 * the API does not write back to (under a durable runtime the folder is the source of truth, and
 * its next reload would overwrite an edit made through the API). Under the embedded runtime the
 * API writes its saves to the folder's files, so nothing is read-only there.
 */
export interface ReadOnlyFlows {
  /** The folder whose flows are read-only. */
  readonly dir: string;
  /** Records that `key` was loaded from `file` (a path relative to the folder). */
  add(key: FlowKey, file: string): void;
  /** Why `key` cannot be changed through the API, or undefined when it can. */
  reason(key: FlowKey): string | undefined;
}

const id = (k: FlowKey): string => `${k.tenantId}/${k.namespace}/${k.id}`;

export function createReadOnlyFlows(dir: string): ReadOnlyFlows {
  const files = new Map<string, string>();
  return {
    dir,
    add: (key, file) => void files.set(id(key), file),
    reason(key) {
      const file = files.get(id(key));
      return file === undefined
        ? undefined
        : `the flow comes from the flows folder (SLUICE_FLOWS_DIR, file ${file}), which is its source: edit the file there; the API does not change it, or the next reload of the folder would undo the change`;
    },
  };
}
