#!/usr/bin/env node
// `pnpm bench:soak`: the default server (SQLite, no Redis) under a steady stream of webhooks for a
// few minutes, with its worker running them, to show where memory and disk settle once the
// retention starts deleting. Measures, never asserts: prints one line per sample and a summary,
// and writes the run to bench-results/soak-<timestamp>.json. See docs/performance.md.
//
//   SOAK_MS=180000 SOAK_SAMPLE_MS=10000 SOAK_CONNECTIONS=20 SOAK_BODY_BYTES=230
//   SOAK_MAX_EXECUTIONS=50000 (SLUICE_RETENTION_MAX_EXECUTIONS of the server; small, so the
//   retention starts within the run) SOAK_RUNTIME=sqlite (or memory)
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedFlowsFolder } from './lib/flows.mjs';
import { closeAgent } from './lib/http.mjs';
import { root } from './lib/modules.mjs';
import { CLI, killAll, memoryOf, onInterrupt } from './lib/processes.mjs';
import { runLoad } from './lib/measure.mjs';
import { startSluiceEmbedded, webhookBody } from './lib/stacks.mjs';

const int = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`soak: ${name} must be a whole number above 0, got '${raw}'`);
  return n;
};
const config = {
  ms: int('SOAK_MS', 180_000),
  sampleMs: int('SOAK_SAMPLE_MS', 10_000),
  connections: int('SOAK_CONNECTIONS', 20),
  bodyBytes: int('SOAK_BODY_BYTES', 230),
  maxExecutions: int('SOAK_MAX_EXECUTIONS', 50_000),
  runtime: process.env.SOAK_RUNTIME === 'memory' ? 'memory' : 'sqlite',
};
if (!existsSync(CLI)) throw new Error(`soak: ${CLI} is missing; run \`pnpm build\` first (or \`pnpm bench:soak\`, which builds)`);

const started = Date.now();
const progress = (message) => process.stderr.write(`soak: ${message} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
const { tmpDir, flowsDir } = seedFlowsFolder('soak');
const ctx = { config: { concurrency: 50, pollMs: 50, cpuProfDir: undefined }, tmpDir, flowsDir, progress };
onInterrupt(async () => rmSync(tmpDir, { recursive: true, force: true }));

const fileBytes = (dir) => ['sluice.db', 'sluice.db-wal'].reduce((sum, name) => {
  try { return sum + statSync(join(dir, name)).size; } catch { return sum; }
}, 0);

const samples = [];
let stack;
try {
  stack = await startSluiceEmbedded(ctx, 'soak', {
    runtime: config.runtime,
    label: `Sluice, ${config.runtime}`,
    env: { SLUICE_RETENTION_MAX_EXECUTIONS: String(config.maxExecutions) },
  });
  const [proc] = stack.processes;
  const body = webhookBody(config.bodyBytes);
  progress(`${stack.label}, pid ${proc.pid}: ${config.connections} connections, ${body.length}-byte body, retention ${config.maxExecutions} executions, ${config.ms / 1000} s`);
  let sent = 0;
  const sample = async (elapsedMs) => {
    const stored = await stack.api('/executions/search?size=1');
    const finished = await stack.api('/executions/search?size=1&state=SUCCESS');
    const s = {
      seconds: Math.round(elapsedMs / 1000),
      acknowledged: sent,
      stored: stored.total ?? null,
      finished: finished.total ?? null,
      rssMb: Math.round(memoryOf(proc.pid).rssMb),
      diskMb: config.runtime === 'sqlite' ? Number((fileBytes(stack.dataDir) / 2 ** 20).toFixed(1)) : null,
    };
    samples.push(s);
    progress(`${s.seconds} s: ${s.acknowledged} acknowledged, ${s.stored} stored (${s.finished} SUCCESS), RSS ${s.rssMb} MB${s.diskMb === null ? '' : `, file and WAL ${s.diskMb} MB`}`);
  };
  await sample(0);
  for (let elapsed = 0; elapsed < config.ms; elapsed += config.sampleMs) {
    const result = await runLoad({ ...stack.ingest, body, connections: config.connections, durationMs: Math.min(config.sampleMs, config.ms - elapsed) });
    sent += result.ok;
    const failed = Object.entries(result.statuses ?? {}).filter(([status]) => status !== '200');
    if (failed.length) progress(`answers other than 200: ${JSON.stringify(Object.fromEntries(failed))}`);
    await sample(elapsed + config.sampleMs);
  }
  // Retention starts once the store holds the maximum: RSS from then on is what "flat" is about.
  const from = samples.findIndex((s) => s.stored !== null && s.stored >= config.maxExecutions * 0.98);
  const after = from < 0 ? [] : samples.slice(from);
  const last = samples.at(-1);
  const summary = {
    acknowledged: sent,
    rate: Math.round(sent / (config.ms / 1000)),
    retentionStartedAtSeconds: from < 0 ? null : samples[from].seconds,
    rssMbWhenRetentionStarted: after[0]?.rssMb ?? null,
    rssMbMaxAfter: after.length ? Math.max(...after.map((s) => s.rssMb)) : null,
    rssMbLast: last.rssMb,
    diskMbLast: last.diskMb,
    diskBytesPerExecution: last.diskMb && last.stored ? Math.round((last.diskMb * 2 ** 20) / last.stored) : null,
  };
  progress(`summary ${JSON.stringify(summary)}`);
  const dir = join(root, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `soak-${new Date(started).toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ startedAt: new Date(started).toISOString(), config, samples, summary }, null, 2)}\n`);
  progress(`wrote ${file}`);
} finally {
  if (stack) await stack.stop().catch(() => undefined);
  killAll();
  closeAgent();
  rmSync(tmpDir, { recursive: true, force: true });
}
