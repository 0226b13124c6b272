// The engine in process: cached template renders and flow parses per second, against
// hand-written JS and yaml.parse of the same source. (The bench's first scenarios, kept as is.)
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Runs `fn` in batches for `ms` milliseconds; returns operations per second. */
function rate(fn, ms) {
  let ops = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 100; i++) fn();
    ops += 100;
    now = process.hrtime.bigint();
  }
  return ops / (Number(now - start) / 1e9);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function compare(ctx, name, subject, baseline, baselineLabel) {
  const { engineRounds: rounds, engineRoundMs: ms } = ctx.config;
  subject(); baseline(); // warm up both, and fail fast if either throws
  const s = [], b = [];
  for (let r = 0; r < rounds; r++) {
    ctx.progress(`engine: ${name} round ${r + 1}/${rounds}`);
    // Alternate which goes first so drift within a round favours neither.
    if (r % 2 === 0) { s.push(rate(subject, ms)); b.push(rate(baseline, ms)); }
    else { b.push(rate(baseline, ms)); s.push(rate(subject, ms)); }
  }
  const value = Math.round(median(s));
  const base = Math.round(median(b));
  return {
    scenario: `engine: ${name}`, runtime: 'in process', unit: 'ops/s',
    sluice: { value, rounds: s.map(Math.round) },
    baseline: { label: baselineLabel, value: base, rounds: b.map(Math.round) },
    ratio: Number((value / base).toFixed(3)),
  };
}

export default {
  name: 'engine',
  title: 'Engine in process: template renders/s and flows parsed/s',
  async run(ctx) {
    const engine = await import(join(ctx.root, 'packages/engine/dist/index.js'));
    const { registry } = await engine.loadPlugins({
      packages: ['@sluice/plugin-core-log', '@sluice/plugin-trigger-webhook'],
      resolveFrom: join(ctx.root, 'apps/server'),
    });
    const variables = {
      flow: { id: 'trigger', namespace: 'company.team' },
      trigger: { body: { name: 'Ada', items: [1, 2, 3] }, headers: { 'x-id': ['42'] }, parameters: { q: ['a'] } },
    };
    const template = "Hello {{ trigger.body.name | upper }} #{{ trigger.headers['x-id'][0] }} with {{ trigger.body.items | length }} items";
    const seed = ctx.seedFlow;
    return [
      compare(ctx, 'template render (cached)', () => engine.renderTemplate(template, variables),
        () => `Hello ${variables.trigger.body.name.toUpperCase()} #${variables.trigger.headers['x-id'][0]} with ${variables.trigger.body.items.length} items`,
        'hand-written JS template literal'),
      compare(ctx, 'flow parse + validate (seed flow)', () => { if (!engine.parseFlow(seed, registry).ok) throw new Error('invalid'); },
        () => parseYaml(seed), 'yaml.parse of the same source'),
    ];
  },
};
