#!/usr/bin/env node
// What keeping integers past 2^53 exact costs (issue 15, point 7): @sluice/core's parseJson and
// stringifyJson against plain JSON.parse and JSON.stringify, in the same run, interleaved over
// rounds, medians and ratios. Measures, never asserts. Needs `pnpm build` (it loads the built
// package). Bounded: ROUNDS x cases x 5 x ROUND_MS, about 15 s with the defaults. The check
// column is the quick test alone (`hasLongNumbers`), what every parse pays: the ratios swing
// with the machine's load, the check's absolute cost much less.
//
//   node scripts/bench/json-lossless.mjs    JSON_BENCH_ROUNDS=5 JSON_BENCH_ROUND_MS=150
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { root } from './lib/modules.mjs';

const { hasLongNumbers, parseJson, stringifyJson } = await import(pathToFileURL(join(root, 'packages', 'core', 'dist', 'json.js')).href);
const ROUNDS = Number(process.env.JSON_BENCH_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.JSON_BENCH_ROUND_MS ?? 150);

// A webhook body like the bench's (300 bytes), and an execution as stored.
const body = JSON.stringify({ event: 'push', repository: { id: 123456789, name: 'sluice', owner: 'acme' }, commits: [{ id: 'a1b2c3d4e5f6', message: 'fix the thing', timestamp: '2026-12-05T10:00:00Z' }], sender: { login: 'ada', id: 42 } });
const execution = JSON.stringify({
  id: '5Vu3bWn7EdHs5PkQ2rWmvE', namespace: 'company.team', flowId: 'trigger', flowRevision: 1,
  state: { current: 'SUCCESS', histories: Array.from({ length: 5 }, (_, i) => ({ state: 'RUNNING', date: `2026-12-05T10:00:0${i}.000Z` })) },
  trigger: { id: 'hook', type: 'io.kestra.plugin.core.trigger.Webhook', variables: { body: { items: Array.from({ length: 120 }, (_, i) => ({ n: i, name: `item ${i}`, tags: ['a', 'b'] })) } } },
  taskRunList: Array.from({ length: 10 }, (_, i) => ({ id: `run${i}`, taskId: `t${i}`, state: { current: 'SUCCESS' }, outputs: { value: `output ${i}` } })),
});
const cases = [
  ['a webhook body', body],
  ['an execution', execution],
  ['it, with a 19-digit id in a string', execution.replace('"5Vu3bWn7EdHs5PkQ2rWmvE"', '"1234567890123456789"')],
  ['it, with a 19-digit integer', execution.replace('"n":0,', '"n":1234567890123456789,')],
];

/** Calls per millisecond of `run` over ROUND_MS. */
function rate(run) {
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ROUND_MS) {
    for (let i = 0; i < 50; i++) run();
    calls += 50;
    now = performance.now();
  }
  return calls / (now - start);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`node ${process.version}, ${ROUNDS} rounds of ${ROUND_MS} ms; ratio = Sluice's time per call / the plain call's (1.00 = same)`);
console.log('case                                         | parse ratio | stringify ratio | JSON.parse µs/call | check µs/call');
for (const [name, text] of cases) {
  const value = parseJson(text);
  const plainValue = JSON.parse(text);
  const parse = { plain: [], sluice: [] };
  const write = { plain: [], sluice: [] };
  const check = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Interleaved, and the order flips every round, so drift hits both sides alike.
    const pairs = [
      () => parse.plain.push(rate(() => JSON.parse(text))),
      () => parse.sluice.push(rate(() => parseJson(text))),
      () => write.plain.push(rate(() => JSON.stringify(plainValue))),
      () => write.sluice.push(rate(() => stringifyJson(value))),
      () => check.push(rate(() => hasLongNumbers(text))),
    ];
    for (const run of round % 2 === 0 ? pairs : pairs.reverse()) run();
  }
  const ratio = (side) => (median(side.plain) / median(side.sluice)).toFixed(2);
  console.log(`${`${name} (${text.length} B)`.padEnd(44)} | ${ratio(parse).padStart(11)} | ${ratio(write).padStart(15)} | ${(1000 / median(parse.plain)).toFixed(1).padStart(18)} | ${(1000 / median(check)).toFixed(2).padStart(13)}`);
}
