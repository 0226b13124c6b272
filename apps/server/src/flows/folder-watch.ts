import { readdirSync, watch as fsWatch, type FSWatcher, type WatchListener } from 'node:fs';
import { join } from 'node:path';

/** A folder tree being watched; see {@link watchFolderTree}. */
export interface FolderTreeWatch {
  /** Watches the folders created since the last call and forgets the removed ones. */
  sync(): void;
  close(): void;
  /** How many folders are watched now. */
  readonly folders: number;
}

type Watch = (folder: string, options: { persistent: boolean }, listener: WatchListener<string>) => FSWatcher;

/**
 * Watches `root` and every folder below it with one native watch per folder, and calls
 * `onChange` for any change in them. A folder's watch reports changes to the files in it, so
 * files need no watch of their own: Node 20's `fs.watch(dir, { recursive: true })` on Linux puts
 * an inotify watch on every file, and a folder of 10,000 flows came near the system's limit
 * (`fs.inotify.max_user_watches`, 8192 on many distributions). Folders created later are watched
 * once the owner calls `sync` (it debounces changes, and a sync lists the whole tree). A watch
 * that fails is dropped and reported to `onError`; the others go on. The watches do not keep the
 * process alive.
 */
export function watchFolderTree(
  root: string,
  onChange: () => void,
  onError: (error: Error, folder: string) => void,
  watch: Watch = fsWatch,
): FolderTreeWatch {
  const watchers = new Map<string, FSWatcher>();
  let closed = false;

  const drop = (folder: string): void => {
    watchers.get(folder)?.close();
    watchers.delete(folder);
  };
  const add = (folder: string): void => {
    if (closed || watchers.has(folder)) return;
    try {
      const watcher = watch(folder, { persistent: false }, () => onChange());
      watcher.on('error', (error: Error) => {
        drop(folder);
        onError(error, folder);
      });
      watchers.set(folder, watcher);
    } catch (error) {
      onError(error as Error, folder);
    }
  };
  const sync = (): void => {
    if (closed) return;
    let folders: string[];
    try {
      const below = readdirSync(root, { withFileTypes: true, recursive: true }).filter((e) => e.isDirectory());
      folders = [root, ...below.map((e) => join(e.parentPath, e.name))];
    } catch (error) {
      onError(error as Error, root);
      return;
    }
    const live = new Set(folders);
    for (const folder of [...watchers.keys()]) if (!live.has(folder)) drop(folder);
    for (const folder of folders) add(folder);
  };

  sync();
  return {
    sync,
    close() {
      closed = true;
      for (const folder of [...watchers.keys()]) drop(folder);
    },
    get folders() {
      return watchers.size;
    },
  };
}
