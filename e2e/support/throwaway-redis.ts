import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A loopback TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ThrowawayRedis {
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** Stops it (SIGKILL by default: an outage, not a shutdown) and resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts a `redis-server` of its own on a loopback port, for tests that take Redis away.
 * Without `durableDir` it keeps nothing. With it, it writes every change to an append-only file
 * in that folder and fsyncs it before it answers (`appendfsync always`): killed with SIGKILL and
 * started again on the same folder, it comes back with everything it acknowledged. `extraArgs`
 * go last, so they win. Resolves once it accepts connections (at most `timeoutMs`).
 */
export function startRedis(port: number, timeoutMs = 10_000, durableDir?: string, extraArgs: readonly string[] = []): Promise<ThrowawayRedis> {
  const persistence = durableDir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', durableDir] : ['--appendonly', 'no'];
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--protected-mode', 'no', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server on port ${port} not ready within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`redis-server on port ${port} exited:\n${output}`));
    });
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve({
          port,
          url: `redis://127.0.0.1:${port}`,
          child,
          async stop(signal = 'SIGKILL') {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            await exited;
          },
        });
      }
    });
    child.stderr?.resume();
  });
}
