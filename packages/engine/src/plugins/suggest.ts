/**
 * Edit distance between two strings: the number of single-character insertions, deletions and
 * substitutions that turn `a` into `b` (Levenshtein). Two rows of the table are enough.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? 0;
}

const lastSegment = (type: string): string => type.slice(type.lastIndexOf('.') + 1);

// How many edits still read as a typo rather than another word. A last segment is a word: a third
// of its length. A whole type is mostly a package path two types share, so a third would let
// `...trigger.Webhok` pass for `...log.Log`: a sixth, at least two.
const tolerance = (length: number, divisor: number, floor: number): number => Math.max(floor, Math.floor(length / divisor));

/**
 * Scores `candidate` as a correction of `typed`, lower is closer, or `undefined` when it is not
 * plausible. Case is ignored (`log.log` is a typo of `log.Log`), and the last segment is compared
 * on its own too, so a bare `Log` or a wrong package path still finds `io.kestra.plugin.core.log.Log`.
 */
export function typoScore(typed: string, candidate: string): number | undefined {
  const t = typed.toLowerCase();
  const c = candidate.toLowerCase();
  const whole = editDistance(t, c);
  const wholeOk = whole <= tolerance(t.length, 6, 2);
  const tSeg = lastSegment(t);
  const cSeg = lastSegment(c);
  const segment = editDistance(tSeg, cSeg);
  // A matching last segment is a weaker signal than a near-identical whole type: rank it after.
  const segmentOk = tSeg.length > 0 && segment <= tolerance(tSeg.length, 3, 1);
  if (!wholeOk && !segmentOk) return undefined;
  return Math.min(wholeOk ? whole : Infinity, segmentOk ? segment + 0.5 : Infinity);
}

/**
 * The `limit` best corrections of `typed` among `candidates`, best first; ties keep the
 * alphabetical order so answers are stable.
 */
export function closest(typed: string, candidates: Iterable<string>, limit: number): string[] {
  const scored: { name: string; score: number }[] = [];
  for (const name of candidates) {
    const score = typoScore(typed, name);
    if (score !== undefined) scored.push({ name, score });
  }
  scored.sort((x, y) => x.score - y.score || x.name.localeCompare(y.name));
  return scored.slice(0, Math.max(0, limit)).map((s) => s.name);
}
