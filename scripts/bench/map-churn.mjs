#!/usr/bin/env node
// What a long-lived Map with entries added and deleted at a steady rate (the requests in flight,
// the jobs running) costs the garbage collector, against a null-prototype object used the same way.
//
//   node --expose-gc --trace-gc-nvp scripts/bench/map-churn.mjs map|object [live entries (50)] | node scripts/bench/map-churn.mjs --sum
//
// Each step adds an entry whose value holds about 1 KB, deletes the oldest once `live` are there,
// and makes some short-lived garbage; one full collection (gc()) comes after 1,000 steps, as one
// comes now and then in a server. V8 rehashes a Map's table every few dozen adds under such churn
// and the old table keeps a pointer to the new one and the entries it held: once a table of the
// chain is old (the full collection promotes the live one), every later table and every value
// they held survive young collections until the next full one. --sum reads the --trace-gc-nvp
// lines and prints scavenges, full collections and bytes promoted (tenth round in
// docs/performance.md: a Map 500-680 MB promoted of 1.9-2.1 GB, 20-27 full collections, 3 times
// the time; an object 7 MB, 2-3).
import { createInterface } from 'node:readline';

if (process.argv[2] === '--sum') {
  let scavenges = 0;
  let full = 0;
  let promoted = 0;
  let allocated = 0;
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.startsWith('map-churn:')) process.stdout.write(`${line}\n`);
    if (!line.includes(' pause=')) continue;
    const field = (name) => Number(new RegExp(` ${name}=(\\d+)`).exec(line)?.[1] ?? 0);
    if (line.includes(' gc=s ')) {
      scavenges++;
      promoted += field('promoted');
      allocated += field('allocated');
    } else full++;
  }
  process.stdout.write(`scavenges ${scavenges}, full collections ${full}, promoted ${(promoted / 1e6).toFixed(1)} MB of ${(allocated / 1e6).toFixed(1)} MB allocated\n`);
} else {
  const kind = process.argv[2] ?? 'map';
  const live = Number(process.argv[3] ?? 50);
  if (!['map', 'object'].includes(kind)) throw new Error('map-churn: map or object');
  const map = new Map();
  // Dictionary mode from the start (deleting a property that is not the last one added).
  const object = Object.create(null);
  object.a = 1;
  object.b = 1;
  delete object.a;
  delete object.b;
  const ids = [];
  const started = Date.now();
  for (let step = 0, next = 0; step < 300_000; step++) {
    const id = `e${next++}`;
    const value = { items: Array.from({ length: 100 }, (_, i) => ({ i })) };
    if (kind === 'map') map.set(id, value);
    else object[id] = value;
    ids.push(id);
    if (ids.length > live) {
      const oldest = ids.shift();
      if (kind === 'map') map.delete(oldest);
      else delete object[oldest];
    }
    if (step === 1000) globalThis.gc?.();
    for (let j = 0; j < 20; j++) void { j, s: 'x'.repeat(10) };
  }
  process.stdout.write(`map-churn: ${kind}, ${live} live entries, ${Date.now() - started} ms\n`);
}
