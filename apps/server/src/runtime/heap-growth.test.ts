import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { applyHeapGrowth, heapGrowthFlag } from './heap-growth.js';

describe('applyHeapGrowth', () => {
  it('leaves a flag given to node as it is, on the command line or in NODE_OPTIONS', () => {
    expect(applyHeapGrowth(100, ['--heap-growing-percent=30'], '')).toEqual({ percent: 30, source: 'node flag' });
    expect(applyHeapGrowth(100, [], '--max-old-space-size=512 --heap_growing_percent=250')).toEqual({ percent: 250, source: 'node flag' });
    expect(applyHeapGrowth(100, ['--heap-growing-percent-x=3'], '--no-heap-growing-percentage')).toEqual({ percent: 100, source: 'setting' });
  });

  it('leaves V8 its own rule at 0', () => {
    expect(applyHeapGrowth(0, [], '')).toEqual({ percent: 0, source: 'v8' });
  });

  // The flag's effect itself, set as applyHeapGrowth sets it, after start: a process that keeps
  // promoting garbage into the old generation collects it sooner, so its old generation peaks lower.
  it('sets a flag V8 honours after start: a smaller growth keeps the old generation smaller under promotion', () => {
    const peakOld = (percent: number): number => {
      const script = `
        const v8 = await import('node:v8');
        if (${percent} > 0) v8.setFlagsFromString(${JSON.stringify(heapGrowthFlag(percent))});
        const keep = [];
        let peak = 0;
        // Objects that outlive a few young collections, then die: garbage promoted to the old generation.
        for (let round = 0; round < 3000; round++) {
          keep.push(Array.from({ length: 1000 }, (_, i) => ({ round, i, text: 'x'.repeat(32) + i })));
          if (keep.length > 150) keep.shift();
          const old = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
          peak = Math.max(peak, old.space_used_size);
        }
        process.stdout.write(String(peak));
      `;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(run.stderr);
      return Number(run.stdout);
    };
    const tight = peakOld(20);
    const v8Rule = peakOld(0);
    expect(tight).toBeGreaterThan(0);
    expect(tight).toBeLessThan(v8Rule * 0.8);
  });
});
