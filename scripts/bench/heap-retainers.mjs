#!/usr/bin/env node
// Reads a V8 heap snapshot (scripts/bench/alloc.mjs with ALLOC_SNAPSHOT=1 writes them) and says
// what keeps objects alive: the object counts by constructor, and for a few objects of
// `<name>`, the shortest path of strong references from the GC roots to each.
//   node scripts/bench/heap-retainers.mjs <file.heapsnapshot> [name] [paths to show (3)]
import { readFileSync } from 'node:fs';

const [file, wanted, shownArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node scripts/bench/heap-retainers.mjs <file.heapsnapshot> [name] [paths]\n');
  process.exit(2);
}
const snap = JSON.parse(readFileSync(file, 'utf8'));
const meta = snap.snapshot.meta;
const nf = meta.node_fields.length;
const ef = meta.edge_fields.length;
const nodeTypes = meta.node_types[0];
const edgeTypes = meta.edge_types[0];
const [nType, nName, nId, nSelf, nEdges] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f));
const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f));
const { nodes, edges, strings } = snap;
const count = nodes.length / nf;
const firstEdge = new Uint32Array(count + 1);
for (let i = 0, e = 0; i < count; i++) {
  firstEdge[i] = e;
  e += nodes[i * nf + nEdges] * ef;
}
firstEdge[count] = edges.length;
const typeOf = (i) => nodeTypes[nodes[i * nf + nType]];
const nameOf = (i) => strings[nodes[i * nf + nName]];
const label = (i) => `${typeOf(i)} ${String(nameOf(i)).slice(0, 60)} @${nodes[i * nf + nId]}`;

// Object counts by constructor name.
const byName = new Map();
for (let i = 0; i < count; i++) {
  if (typeOf(i) !== 'object' && typeOf(i) !== 'closure') continue;
  const k = `${typeOf(i)} ${nameOf(i)}`;
  const v = byName.get(k) ?? [0, 0];
  v[0]++;
  v[1] += nodes[i * nf + nSelf];
  byName.set(k, v);
}
process.stdout.write('objects by constructor (count, self bytes):\n');
for (const [k, [n, b]] of [...byName].sort((a, b) => b[1][1] - a[1][1]).slice(0, 40)) process.stdout.write(`  ${String(n).padStart(7)} ${String(b).padStart(10)}  ${k}\n`);

if (wanted) {
  // Breadth-first from the root over strong edges: the first path found to a node is a shortest.
  const parent = new Int32Array(count).fill(-1);
  const via = new Int32Array(count).fill(-1);
  parent[0] = 0;
  const queue = [0];
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q];
    for (let e = firstEdge[i]; e < firstEdge[i + 1]; e += ef) {
      const t = edgeTypes[edges[e + eType]];
      if (t === 'weak' || t === 'shortcut') continue;
      const to = edges[e + eTo] / nf;
      if (parent[to] !== -1) continue;
      parent[to] = i;
      via[to] = e;
      queue.push(to);
    }
  }
  const edgeLabel = (e) => {
    const t = edgeTypes[edges[e + eType]];
    const n = edges[e + eName];
    return t === 'element' || t === 'hidden' ? `[${n}]` : `.${strings[n]}`;
  };
  const matches = [];
  // `name`, or `.prop` for the objects that have a property of that name.
  const hasProperty = (i, prop) => {
    for (let e = firstEdge[i]; e < firstEdge[i + 1]; e += ef) if (edgeTypes[edges[e + eType]] === 'property' && strings[edges[e + eName]] === prop) return true;
    return false;
  };
  for (let i = 0; i < count; i++) {
    // Objects and closures by constructor; V8's own objects by their full name ('system / PromiseReaction').
    if (typeOf(i) !== 'object' && typeOf(i) !== 'closure' && !(wanted.startsWith('system / ') && nameOf(i) === wanted)) continue;
    if (wanted.startsWith('.') ? hasProperty(i, wanted.slice(1)) : nameOf(i) === wanted) matches.push(i);
  }
  process.stdout.write(`\n${matches.length} objects named ${wanted}; paths from the root of the first ${shownArg ?? 3} reachable:\n`);
  // Group the paths by their shape (the edge names), to see which retainer holds most of them.
  const shapes = new Map();
  let shown = 0;
  for (const i of matches) {
    if (parent[i] === -1) continue;
    const path = [];
    const shape = [];
    for (let n = i; n !== 0; n = parent[n]) {
      path.push(`${label(parent[n])} ${edgeLabel(via[n])}`);
      shape.push(`${nameOf(parent[n])}${edgeLabel(via[n])}`);
    }
    const k = shape.slice(0, 8).join(' < ');
    shapes.set(k, (shapes.get(k) ?? 0) + 1);
    if (shown++ < Number(shownArg ?? 3)) process.stdout.write(`  ${label(i)}\n${path.map((p) => `    < ${p}`).join('\n')}\n`);
  }
  process.stdout.write('\nretainer shapes (nearest 8 steps), by count:\n');
  for (const [k, n] of [...shapes].sort((a, b) => b[1] - a[1]).slice(0, 12)) process.stdout.write(`  ${String(n).padStart(6)}  ${k}\n`);
}
