import { setFlagsFromString } from 'node:v8';

/** Whether V8 pretenures allocation sites in this process, and who decided it. */
export interface Pretenuring {
  /** V8's allocation-site pretenuring is on. */
  readonly enabled: boolean;
  /** `setting`: SLUICE_V8_PRETENURING; `node flag`: the operator's own flag, left as given. */
  readonly source: 'setting' | 'node flag';
}

/** The V8 flag {@link applyPretenuring} sets for `off`. */
export const PRETENURING_OFF_FLAG = '--no-allocation-site-pretenuring';

const FLAG = /(?:^|\s)--(no[-_])?allocation[-_]site[-_]pretenuring(?=\s|$)/;

/**
 * Turns V8's allocation-site pretenuring off, unless the setting keeps it.
 *
 * Why: V8 allocates objects of a site whose objects often outlived young collections straight in
 * the old generation. A server's objects live as long as a request or an execution, and once a
 * site of them is pretenured, each such object is old from birth: every young object it points
 * to (the rest of its request or execution) survives every young collection until the next full
 * one, is promoted on the way, and keeps more sites pretenured. Measured on the BullMQ stack with
 * 50 waits in flight (docs/performance.md, issue 15): the webserver promoted 7.0-7.4 KB per
 * webhook with pretenuring and 2.2-2.8 without, with a third less GC pause and half the full
 * collections; the worker's promotion did not move measurably. V8 reads the flag as it
 * allocates, so it takes effect when set after start, before the server's own objects are made.
 *
 * `--allocation-site-pretenuring` or `--no-allocation-site-pretenuring` given to node itself (on
 * the command line or in NODE_OPTIONS) wins.
 */
export function applyPretenuring(setting: 'on' | 'off', execArgv: readonly string[] = process.execArgv, nodeOptions: string = process.env.NODE_OPTIONS ?? ''): Pretenuring {
  const given = FLAG.exec(execArgv.join(' ')) ?? FLAG.exec(nodeOptions);
  if (given) return { enabled: given[1] === undefined, source: 'node flag' };
  if (setting === 'off') setFlagsFromString(PRETENURING_OFF_FLAG);
  return { enabled: setting === 'on', source: 'setting' };
}
