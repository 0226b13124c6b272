#!/usr/bin/env node
// Names the JIT code of a callgrind dump: instructions per request by JavaScript function, self
// or inclusive, from a process run with `--perf-basic-prof --interpreted-frames-native-stack`
// (see instructions.mjs: INSTRUCTIONS_NODE_ARGS and INSTRUCTIONS_KEEP). Callgrind names JIT code
// by address only; the map V8 writes to /tmp/perf-<pid>.map gives each address range its function.
//   node scripts/bench/callgrind-jit.mjs <dump> [requests] [--inclusive] [--top 40]
// Inclusive counts through asynchronous code are approximate (callgrind follows calls and
// returns, which JIT code does not always pair).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const args = process.argv.slice(2);
const inclusive = args.includes('--inclusive');
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 40;
const [dump, requests = '1'] = args.filter((a, i) => !a.startsWith('--') && i !== topAt + 1);
if (!dump) {
  process.stderr.write('usage: node scripts/bench/callgrind-jit.mjs <dump> [requests] [--inclusive] [--top 40]\n');
  process.exit(2);
}
const pid = /\.(\d+)\.out/.exec(basename(dump))?.[1];
const ranges = readFileSync(`/tmp/perf-${pid}.map`, 'utf8').split('\n').flatMap((line) => {
  const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
  return m ? [[parseInt(m[1], 16), parseInt(m[2], 16), m[3]]] : [];
}).sort((a, b) => a[0] - b[0]);
function nameOf(address) {
  let lo = 0;
  let hi = ranges.length - 1;
  let best;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid][0] <= address) {
      best = ranges[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best && address < best[0] + best[1] ? best[2].replace(/ \S*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, ' ') : '(not in the map)';
}
const text = execFileSync('callgrind_annotate', ['--threshold=100', `--inclusive=${inclusive ? 'yes' : 'no'}`, dump], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
const sums = new Map();
for (const line of text.split('\n')) {
  const m = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+\?\?\?:0x([0-9a-f]+)/.exec(line);
  if (!m) continue;
  const name = nameOf(parseInt(m[2], 16));
  sums.set(name, (sums.get(name) ?? 0) + Number(m[1].replaceAll(',', '')));
}
const perRequest = (ir) => String(Math.round(ir / Number(requests))).padStart(9);
for (const [name, ir] of [...sums].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${perRequest(ir)}  ${name}\n`);
