/**
 * Safety bounds. A template comes from a flow author and its data from the outside world, so
 * no combination of the two may hang a worker, exhaust its memory or overflow its stack: each
 * bound raises `EXPRESSION_LIMIT` instead.
 */
export const LIMITS = Object.freeze({
  /** Characters in one template that contains markup (plain text has no limit: it is not parsed). */
  templateLength: 1_000_000,
  /** Nesting of expressions and tags in the compiled tree. */
  depth: 200,
  /** Nesting of data values walked by serialization, comparison and renderDeep. */
  valueDepth: 200,
  /** `{% for %}` iterations per render, all loops together. */
  loopIterations: 100_000,
  /** Characters of output per render, and of any single string built along the way. */
  outputLength: 10 * 1024 * 1024,
  /** Elements of a range (`1..n`, `range()`). */
  rangeSize: 100_000,
  /** Elements of any collection built by a filter. */
  collectionSize: 1_000_000,
  /** Units of work per render (nodes evaluated, values serialized or compared). */
  steps: 10_000_000,
  /**
   * Characters of strings and items of lists built or scanned per render, all together. Steps
   * count nodes, and one node can be an 8 MiB `replace`: this budget counts what such a node
   * costs in time and memory, so a render that builds big values stops after a bounded amount
   * of work (five times the largest output) however few nodes it takes.
   */
  work: 50_000_000,
  /** Work charged per piece a filter cuts or match it replaces, beyond its characters: an object in memory and a pass of a loop. */
  pieceCost: 16,
  /** Compiled templates kept in the cache. */
  cacheEntries: 5_000,
});
