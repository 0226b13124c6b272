import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { decodeFlowSource } from '@sluice/engine';
import type { Logger } from 'pino';
import type { ServerContext } from '../server-context.js';
import { saveFlowSource } from './flow-service.js';
import { watchFolderTree, type FolderTreeWatch } from './folder-watch.js';

async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/**
 * Loads every YAML file of a folder as a flow. A bad file is reported with each of its errors
 * (path, line, column) and the others still load. An unchanged file makes no new revision.
 */
export async function loadFlowsDir(s: ServerContext, dir: string, logger: Logger): Promise<{ loaded: number; failed: number }> {
  let loaded = 0;
  let failed = 0;
  for (const file of await yamlFiles(dir)) {
    const name = relative(dir, file);
    try {
      const decoded = decodeFlowSource(await readFile(file));
      const result = decoded.ok
        ? await saveFlowSource(s, decoded.source, 'upsert', undefined, false)
        : { ok: false as const, errors: decoded.errors };
      if (result.ok) {
        loaded++;
        if (s.flowFiles?.dir === dir) s.flowFiles.remember(result.flow, file);
        if (s.readOnlyFlows?.dir === dir) s.readOnlyFlows.add(result.flow, name);
        logger.debug({ file: name, flow: `${result.flow.namespace}.${result.flow.id}`, revision: result.flow.revision }, 'flow loaded');
      } else {
        failed++;
        const errors = result.errors.map((e) => `${name}:${e.line}:${e.column} ${e.path}: ${e.message}`);
        logger.error({ file: name, errors }, `flow file ${name} has ${result.errors.length} error(s); it was not loaded`);
      }
    } catch (error) {
      failed++;
      logger.error({ file: name, err: error }, `flow file ${name} could not be loaded`);
    }
  }
  return { loaded, failed };
}

/**
 * Reloads the folder when a file in it or below it changes, debounced so an editor's save (or a
 * checkout of many files) loads once. A watch that fails is logged, never fatal: the flows
 * loaded keep running, and a failing folder's edits go unnoticed until a restart.
 */
export function watchFlowsDir(s: ServerContext, dir: string, logger: Logger): FolderTreeWatch {
  let timer: NodeJS.Timeout | undefined;
  const tree = watchFolderTree(
    dir,
    () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        // Folders created meanwhile are watched from now on; their files load with this reload.
        tree.sync();
        void loadFlowsDir(s, dir, logger).then(({ loaded, failed }) => logger.info({ dir, loaded, failed }, 'flows folder reloaded'));
      }, 200);
      timer.unref();
    },
    (error, folder) => {
      logger.warn({ dir, folder, err: { message: error.message, code: (error as NodeJS.ErrnoException).code } },
        'flows folder: watching for changes failed; edits there are not picked up until a restart');
    },
  );
  return tree;
}
