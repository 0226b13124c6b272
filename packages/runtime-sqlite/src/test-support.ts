import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary folder per call under one root, removed by `cleanup`. */
export function tempDirs(label: string): { next(): string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), `sluice-sqlite-${label}-`));
  let n = 0;
  return {
    next: () => join(root, String(n++)),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * Mounts a tmpfs of `sizeKb` at a new folder (read-only when asked), for the faults a folder
 * cannot fake as root (permissions do not stop root) or without filling the machine's disk.
 * Undefined where mounting is not allowed (not root, a container without the capability).
 */
export function mountTmpfs(sizeKb: number, readOnly = false): { dir: string; unmount(): void } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-sqlite-mnt-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k${readOnly ? ',ro' : ''}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return {
    dir,
    unmount() {
      try {
        execFileSync('umount', [dir], { stdio: 'ignore' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Creates `dir` and returns it. */
export function made(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
