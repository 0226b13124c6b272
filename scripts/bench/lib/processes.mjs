// Every process the bench starts goes through here: each in its own process group (detached),
// remembered until it is stopped, and killed with its group when the bench ends however it
// ends (normal end, error, Ctrl-C, the overall time bound). Nothing binds beyond 127.0.0.1.
import { execFileSync, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { root } from './modules.mjs';

export const CLI = join(root, 'apps', 'server', 'dist', 'cli.js');
const live = new Set();

/** SIGKILLs every process group still alive; synchronous, so it also works in an 'exit' handler. */
export function killAll() {
  for (const proc of live) proc.kill('SIGKILL');
  live.clear();
}

const cleanups = [];

/** Registers async clean-up (Redis keys) to run, bounded, when the bench is interrupted. */
export function onInterrupt(fn) {
  cleanups.push(fn);
}

/** Kills every child, then runs the clean-ups for at most `boundMs`. */
export async function interruptCleanup(boundMs = 5000) {
  killAll();
  await Promise.race([Promise.allSettled(cleanups.map((fn) => fn())), new Promise((r) => setTimeout(r, boundMs))]);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    process.stderr.write(`bench: ${signal}, killing ${live.size} child process(es) and deleting the run's Redis keys\n`);
    void interruptCleanup().finally(() => process.exit(130));
  });
}
process.on('exit', killAll);

/** Peak and current resident memory of a live process, in MB, from /proc/<pid>/status. */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { peakRssMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
  } catch {
    return { peakRssMb: NaN, rssMb: NaN };
  }
}

const CLK_TCK = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100; } catch { return 100; }
})();

/** CPU time (user + system) a live process has used so far, in ms, from /proc/<pid>/stat. */
export function cpuMsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, hence the last ')'): utime is 14th, stime 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}

function track(name, child, { keepLines = 200 } = {}) {
  const lines = [];
  const waiters = [];
  const onLine = (line) => {
    lines.push(line);
    if (lines.length > keepLines) lines.shift();
    for (const w of [...waiters]) if (w.pattern.test(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line); }
  };
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk) => {
      buffer += chunk;
      let i;
      while ((i = buffer.indexOf('\n')) >= 0) { onLine(buffer.slice(0, i)); buffer = buffer.slice(i + 1); }
    });
  }
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const proc = {
    name,
    pid: child.pid,
    child,
    lines,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    /** Signals the whole process group (the child is its leader). */
    kill(signal) {
      try { process.kill(-child.pid, signal); } catch { /* already gone */ }
    },
    waitForLine(pattern, timeoutMs) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no line matching ${pattern} within ${timeoutMs} ms; output:\n${lines.join('\n')}`)), timeoutMs);
        waiters.push({ pattern, resolve: (l) => { clearTimeout(timer); resolve(l); } });
        void exited.then((code) => { clearTimeout(timer); reject(new Error(`${name} exited (${code}) before ${pattern}; output:\n${lines.join('\n')}`)); });
      });
    },
    memory: () => memoryOf(child.pid),
    cpuMs: () => cpuMsOf(child.pid),
    /** SIGTERM, then SIGKILL to the group after `graceMs`. */
    async stop(graceMs = 3000) {
      if (proc.alive()) {
        child.kill('SIGTERM');
        const timer = new Promise((r) => setTimeout(() => r('timeout'), graceMs));
        if ((await Promise.race([exited, timer])) === 'timeout') process.stderr.write(`bench: ${name} did not stop within ${graceMs} ms, killed\n`);
      }
      proc.kill('SIGKILL');
      live.delete(proc);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 1000))]);
    },
  };
  live.add(proc);
  return proc;
}

/**
 * Starts `node apps/server/dist/cli.js ...args` (`cli`: of another checkout) and waits for its "listening" line (or the
 * worker's "consuming" line), then for `readyLine` if given (a server logs one line per webhook
 * after "listening": with thousands of flows that takes a while, and load sent meanwhile would
 * compete with it). `timeoutMs` bounds the whole start; `onWait(elapsedMs, proc)` is called every
 * `waitReportMs` until then, so a long start can say what it is doing. Returns the process with
 * its `url` and `readyMs` (spawn to the last line waited for).
 */
export async function startSluice(name, args, env, { cwd, cli = CLI, nodeArgs = [], timeoutMs = 30_000, readyLine, onWait, waitReportMs = 5000 } = {}) {
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [...nodeArgs, cli, ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', HOST: '127.0.0.1', SLUICE_LOG_LEVEL: 'info', SLUICE_SHUTDOWN_GRACE_MS: '1000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const proc = track(name, child);
  const reporter = onWait ? setInterval(() => onWait(Date.now() - spawnedAt, proc), waitReportMs) : undefined;
  const left = () => Math.max(0, timeoutMs - (Date.now() - spawnedAt));
  try {
    if (args[0] === 'worker') {
      await proc.waitForLine(/worker consuming executions/, left());
    } else {
      proc.url = JSON.parse(await proc.waitForLine(/"msg":"listening on /, left())).url;
    }
    if (readyLine) await proc.waitForLine(readyLine, left());
    proc.readyMs = Date.now() - spawnedAt;
  } catch (error) {
    await proc.stop(0);
    throw error;
  } finally {
    clearInterval(reporter);
  }
  return proc;
}

/**
 * Forks a bench script (IPC channel) and waits for its `{ ready: true }` message. Later messages
 * go to `onMessage`.
 */
export async function forkScript(name, script, env, { onMessage, timeoutMs = 15_000, nodeArgs = [] } = {}) {
  const spawnedAt = Date.now();
  const child = fork(script, [], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
    execArgv: nodeArgs,
    serialization: 'advanced',
  });
  const proc = track(name, child);
  try {
    const ready = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: not ready within ${timeoutMs} ms; output:\n${proc.lines.join('\n')}`)), timeoutMs);
      child.on('message', (message) => {
        if (message?.ready) { clearTimeout(timer); resolve(message); } else onMessage?.(message);
      });
      void proc.exited.then((code) => { clearTimeout(timer); reject(new Error(`${name} exited (${code}) before ready; output:\n${proc.lines.join('\n')}`)); });
    });
    proc.url = ready.url;
    proc.readyMs = Date.now() - spawnedAt;
  } catch (error) {
    await proc.stop(0);
    throw error;
  }
  return proc;
}

/** Forks a one-shot child: sends it `message`, resolves with its answer, kills it past `timeoutMs`. */
export async function runChild(name, script, message, timeoutMs) {
  const child = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true, serialization: 'advanced' });
  const proc = track(name, child);
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: no answer within ${timeoutMs} ms`)), timeoutMs);
      child.once('message', (answer) => {
        clearTimeout(timer);
        if (answer.ok) resolve(answer.result);
        else reject(new Error(`${name}: ${answer.error}`));
      });
      void proc.exited.then((code) => { clearTimeout(timer); reject(new Error(`${name} exited (${code}) without an answer`)); });
      child.send(message);
    });
  } finally {
    await proc.stop(1000);
  }
}
