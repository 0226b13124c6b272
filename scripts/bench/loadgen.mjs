#!/usr/bin/env node
// The load generator, run in its own process (child_process.fork from lib/measure.mjs) so
// it never shares an event loop with what it measures. Hand-written on node:http: N request
// loops over one keep-alive agent with N sockets, a fixed duration, hrtime latencies.
//
// Protocol: the parent sends one message { url | urls, pick, method, headers, body, connections,
// durationMs, maxRequests, timeoutMs, expect, sampleIds }; the child answers { ok: true, result }
// or { ok: false, error } and exits. It also exits if the parent goes away (IPC disconnect).
// `urls` spreads the requests over many endpoints (one flow's webhook each): `pick` is
// 'round-robin' (the default: every URL equally often, whatever the rate) or 'random'.
import http from 'node:http';

/**
 * Runs the load; resolves with counts, the achieved rate and every latency (ms).
 * A request in flight at the deadline is let finish and counted; none is started after it, nor
 * once `maxRequests` have been started (a warm-up counts requests: V8 optimizes by call counts).
 */
export async function runLoad(spec) {
  const urls = (spec.urls ?? [spec.url]).map((u) => new URL(u));
  if (urls.length === 0) throw new Error('loadgen: no url');
  for (const url of urls) if (url.hostname !== '127.0.0.1') throw new Error(`loadgen: only 127.0.0.1 is allowed, got ${url.hostname}`);
  const pick = spec.pick ?? 'round-robin';
  if (pick !== 'round-robin' && pick !== 'random') throw new Error(`loadgen: pick must be 'round-robin' or 'random', got '${pick}'`);
  const connections = spec.connections ?? 50;
  const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
  const headers = { ...(spec.headers ?? {}), ...(body ? { 'content-length': String(body.length) } : {}) };
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const timeoutMs = spec.timeoutMs ?? 10_000;
  const expect = spec.expect; // substring every 2xx body must contain, or undefined
  const sampleIds = spec.sampleIds ?? 0; // how many response `id` fields to keep (first ones)

  const latencies = [];
  const statuses = {};
  const errors = {};
  const ids = [];
  let ok = 0;
  let mismatched = 0;

  // One options object per URL, made up front: choosing a target costs an index per request.
  const targets = urls.map((url) => ({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: spec.method ?? 'POST', headers, agent }));
  // A random start, so that short runs against many URLs do not all hit the first ones.
  let nextTarget = Math.floor(Math.random() * targets.length);
  const target = targets.length === 1 ? () => targets[0]
    : pick === 'random' ? () => targets[Math.floor(Math.random() * targets.length)]
    : () => targets[nextTarget++ % targets.length];
  const maxRequests = spec.maxRequests ?? Infinity;
  let started = 0;
  let deadline = 0n;
  const fail = (e) => { errors[e.message] = (errors[e.message] ?? 0) + 1; };

  // One request loop: each answer starts the next request, until the deadline or maxRequests.
  // Callbacks rather than a promise per request: the generator shares the CPU with what it
  // measures, so every microsecond it spends per request is one the server does not get.
  const loop = (done) => {
    if (started >= maxRequests || process.hrtime.bigint() >= deadline) return done();
    started++;
    const t0 = process.hrtime.bigint();
    let settled = false;
    const next = () => {
      if (settled) return;
      settled = true;
      loop(done);
    };
    const req = http.request(target(), (res) => {
      const wantBody = expect !== undefined || ids.length < sampleIds;
      const chunks = wantBody ? [] : undefined;
      if (wantBody) res.on('data', (c) => chunks.push(c));
      else res.resume();
      res.on('error', (e) => { fail(e); next(); });
      res.on('end', () => {
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode >= 200 && res.statusCode < 300) {
          const text = wantBody ? Buffer.concat(chunks).toString('utf8') : '';
          if (expect !== undefined && !text.includes(expect)) mismatched++;
          else {
            ok++;
            latencies.push(ms);
          }
          if (ids.length < sampleIds) {
            try { const id = JSON.parse(text).id; if (id) ids.push(String(id)); } catch { /* not JSON: no id */ }
          }
        }
        next();
      });
    });
    req.on('error', (e) => { fail(e); next(); });
    req.end(body);
  };

  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  deadline = start + BigInt(Math.round(spec.durationMs * 1e6));
  // No timer per request (they cost the generator CPU): one bound for the whole run, past which
  // every socket is destroyed, which fails the requests still waiting and ends the loops.
  const bound = setTimeout(() => agent.destroy(), spec.durationMs + timeoutMs);
  await Promise.all(Array.from({ length: connections }, () => new Promise(loop)));
  clearTimeout(bound);
  const end = process.hrtime.bigint();
  agent.destroy();
  const seconds = Number(end - start) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    startNs: String(start), endNs: String(end), seconds,
    ok, mismatched, statuses, errors, ids, targets: targets.length,
    rate: ok / seconds,
    latencies,
    // The generator's own CPU per completed request: shows whether it, not the server, was the limit.
    cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / Math.max(1, ok),
  };
}

if (process.send) {
  process.on('disconnect', () => process.exit(0));
  process.once('message', (spec) => {
    runLoad(spec).then(
      (result) => process.send({ ok: true, result }, () => process.exit(0)),
      (error) => process.send({ ok: false, error: String(error?.stack ?? error) }, () => process.exit(1)),
    );
  });
}
