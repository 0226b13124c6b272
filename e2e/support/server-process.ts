import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(root, 'apps', 'server', 'dist', 'cli.js');
export const REDIS_URL = process.env.SLUICE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const USER = 'admin@example.com';
export const PASSWORD = 'Test-password-1';

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly lines: string[];
  /** Resolves with the first log line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A Redis key prefix no other test file uses, so files never see each other's data. */
export function uniquePrefix(name: string): string {
  return `sluice-e2e-${name}-${randomBytes(4).toString('hex')}`;
}

/**
 * Starts the built `sluice` command as a child process on a free port and waits for its
 * "listening" line. The process's JSON log lines are kept for assertions.
 */
export async function startServer(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<ServerProcess> {
  // Each process gets its own data folder unless the test gives one, so no state (the embedded
  // runtime's flow files, a generated password) leaks between tests or runs.
  const ownDataDir = env.SLUICE_DATA_DIR === undefined ? mkdtempSync(join(tmpdir(), 'sluice-e2e-data-')) : undefined;
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', SLUICE_USERNAME: USER, SLUICE_PASSWORD: PASSWORD, SLUICE_LOG_LEVEL: 'info', ...(ownDataDir ? { SLUICE_DATA_DIR: ownDataDir } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onLine = (line: string): void => {
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      buffer += chunk;
      let i;
      while ((i = buffer.indexOf('\n')) >= 0) {
        onLine(buffer.slice(0, i));
        buffer = buffer.slice(i + 1);
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => ownDataDir && rmSync(ownDataDir, { recursive: true, force: true }));
  const waitForLine = (pattern: RegExp, timeoutMs = 15_000): Promise<string> => {
    const seen = lines.find((l) => pattern.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${lines.join('\n')}`)), timeoutMs);
      waiters.push({ pattern, resolve: (l) => { clearTimeout(timer); resolve(l); } });
      void exited.then((code) => { clearTimeout(timer); reject(new Error(`server exited with ${code} before ${pattern}; output:\n${lines.join('\n')}`)); });
    });
  };
  let url = '';
  if (!args.includes('worker')) {
    const listening = await waitForLine(/"msg":"listening on /);
    url = (JSON.parse(listening) as { url: string }).url;
  } else {
    await waitForLine(/worker consuming executions/);
  }
  return {
    url,
    child,
    lines,
    waitForLine,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Basic-auth header for the test credentials. */
export const auth = { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` };

/** Polls `check` until it returns a value, at most `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
