import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerContext } from '../server-context.js';
import { watchFlowsDir } from './flows-dir.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('watchFlowsDir', () => {
  it('logs a watcher failure (a full inotify table, say) instead of letting it end the process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-flows-watch-'));
    dirs.push(dir);
    const lines: { level: number; msg: string; err?: { code?: string } }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const watcher = watchFlowsDir({} as ServerContext, dir, logger);
    try {
      const failure = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
      expect(() => watcher.emit('error', failure)).not.toThrow();
      expect(lines).toEqual([expect.objectContaining({ level: 40, err: expect.objectContaining({ code: 'ENOSPC' }) })]);
      expect(lines[0]?.msg).toMatch(/watching for changes failed/);
    } finally {
      watcher.close();
    }
  });
});
