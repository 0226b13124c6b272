import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Logger } from 'pino';
import type { ServerContext } from '../server-context.js';
import { saveFlowSource } from './flow-service.js';

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
      const result = await saveFlowSource(s, await readFile(file, 'utf8'), 'upsert', undefined, false);
      if (result.ok) {
        loaded++;
        if (s.flowFiles?.dir === dir) s.flowFiles.remember(result.flow, file);
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

/** Reloads the folder when a file in it changes, debounced so an editor's save loads once. */
export function watchFlowsDir(s: ServerContext, dir: string, logger: Logger): FSWatcher {
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dir, { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      void loadFlowsDir(s, dir, logger).then(({ loaded, failed }) => logger.info({ dir, loaded, failed }, 'flows folder reloaded'));
    }, 200);
  });
  // Node 20 watches every file of a folder watched recursively on its own (one inotify watch
  // each), so a large folder can pass the system's limit (fs.inotify.max_user_watches); a file
  // added then makes the watcher emit 'error', which with no listener would end the process.
  // The flows loaded keep running; only later edits go unnoticed until a restart.
  watcher.on('error', (error: Error) => {
    logger.warn({ dir, err: { message: error.message, code: (error as NodeJS.ErrnoException).code } },
      'flows folder: watching for changes failed; edits are not picked up until a restart');
  });
  watcher.unref();
  return watcher;
}
