// Helpers of the reliability measurements: the built server and throwaway redis-server processes
// on 127.0.0.1 only, each killed when the script ends however it ends, and requests over one
// keep-alive agent. No dependency beyond Node; run `pnpm build` first.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(root, 'apps', 'server', 'dist', 'cli.js');
export const USER = 'admin@example.com';
export const PASSWORD = 'Measure-password-1';
export const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

const children = new Set();
const dirs = new Set();
function cleanup() {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

/** A folder removed when the script ends. */
export function tempDir(label) {
  const dir = mkdtempSync(join(tmpdir(), `sluice-measure-${label}-`));
  dirs.add(dir);
  return dir;
}

/** A loopback TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function waitFor(child, pattern, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${what} not ready within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk) => {
      output += chunk;
      const line = output.split('\n').find((l) => pattern.test(l));
      if (line) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stderr.off('data', onData);
        output = '';
        resolve(line);
      }
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output}`));
    });
  });
}

/** A redis-server of its own on a free loopback port, without persistence. */
export async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  await waitFor(child, /Ready to accept connections/, 10_000, 'redis-server');
  return { port, url: `redis://127.0.0.1:${port}`, child };
}

/**
 * The built `sluice` command in `role`, on a free port; resolves once it listens (or, for a
 * worker, consumes). Its log is read for that line, then dropped.
 */
export async function startSluice(role, env = {}) {
  const args = role === 'worker' ? ['worker'] : ['server', role];
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', SLUICE_USERNAME: USER, SLUICE_PASSWORD: PASSWORD, SLUICE_LOG_LEVEL: 'info', SLUICE_DATA_DIR: tempDir('data'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const line = await waitFor(child, role === 'worker' ? /worker consuming executions/ : /"msg":"listening on /, 20_000, `sluice ${role}`);
  // Drain the pipes so the child never blocks on them; its lines are not kept.
  child.stdout.resume();
  child.stderr.resume();
  return { child, url: role === 'worker' ? undefined : JSON.parse(line).url };
}

/** One keep-alive agent per script: requests reuse their sockets, as a real caller's would. */
export const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** An HTTP request to 127.0.0.1; resolves with status, body and the elapsed time in µs. */
export function request(url, { method = 'GET', headers = {}, body } = {}) {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1') throw new Error(`only 127.0.0.1 is allowed, got ${target.hostname}`);
  const payload = body === undefined ? undefined : Buffer.from(body);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request({ host: '127.0.0.1', port: target.port, path: target.pathname + target.search, method, agent, headers: { ...headers, ...(payload ? { 'content-length': payload.length } : {}) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), us: Number(process.hrtime.bigint() - started) / 1000 }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Creates a flow through the API. */
export async function createFlow(base, yaml) {
  const res = await request(`${base}/api/v1/main/flows`, { method: 'POST', headers: { authorization: AUTH, 'content-type': 'application/x-yaml' }, body: yaml });
  if (res.status !== 200) throw new Error(`flow not created: ${res.status} ${res.body}`);
}

/** Ends the script if it runs longer than `ms`: every measurement is bounded in time. */
export function budget(ms, what) {
  setTimeout(() => {
    console.error(`${what}: over its time budget of ${ms / 1000} s; stopping`);
    process.exit(2);
  }, ms).unref();
}

/** A quantile of sorted numbers. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}
