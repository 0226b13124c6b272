import { setFlagsFromString } from 'node:v8';

/** How far the old generation may grow between full collections, and who decided it. */
export interface HeapGrowth {
  /** `--heap-growing-percent`: the next full collection comes once the old generation is (100 + percent)% of what the last one kept; 0 is V8's own rule. */
  readonly percent: number;
  /** `setting`: SLUICE_HEAP_GROWTH_PERCENT; `node flag`: the operator's own flag, left as given; `v8`: V8's rule. */
  readonly source: 'setting' | 'node flag' | 'v8';
}

const FLAG = /(?:^|\s)--heap[-_]growing[-_]percent(?:=(\d+))?(?=\s|$)/;

/**
 * Bounds how far V8 lets the old generation grow before a full collection.
 *
 * Why: under steady load a server promotes short-lived garbage into the old generation (objects
 * of requests in flight when two young collections come), and V8's own rule lets the old
 * generation grow to about four times what the last full collection kept before collecting
 * again. A webserver taking webhooks at full speed then peaked at 160-170 MB, most of it garbage
 * waiting for that collection; at 100 (twice) it peaks at about 145 MB, and the extra full
 * collections cost no CPU measurable against the noise (docs/performance.md). V8 reads this
 * flag every time it sets the next limit, so unlike the young generation's size it can be set
 * after start.
 *
 * A `--heap-growing-percent` given to node itself (on the command line or in NODE_OPTIONS) wins.
 */
export function applyHeapGrowth(percent: number, execArgv: readonly string[] = process.execArgv, nodeOptions: string = process.env.NODE_OPTIONS ?? ''): HeapGrowth {
  const given = FLAG.exec(execArgv.join(' ')) ?? FLAG.exec(nodeOptions);
  if (given) return { percent: given[1] === undefined ? 0 : Number(given[1]), source: 'node flag' };
  if (percent <= 0) return { percent: 0, source: 'v8' };
  setFlagsFromString(heapGrowthFlag(percent));
  return { percent: Math.floor(percent), source: 'setting' };
}

/** The V8 flag {@link applyHeapGrowth} sets for `percent`. */
export function heapGrowthFlag(percent: number): string {
  return `--heap-growing-percent=${Math.floor(percent)}`;
}
