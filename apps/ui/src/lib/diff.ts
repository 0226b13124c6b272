/** One line of a line diff: kept, removed (only in the left text) or added (only in the right). */
export interface DiffLine {
  readonly kind: 'same' | 'removed' | 'added';
  readonly text: string;
  readonly left?: number;
  readonly right?: number;
}

/**
 * A line diff by longest common subsequence. Flows are small (hundreds of lines), so the
 * quadratic table is cheap; beyond a few thousand lines a cut-off keeps the page responsive.
 */
export function lineDiff(leftText: string, rightText: string): DiffLine[] {
  const a = leftText.split('\n');
  const b = rightText.split('\n');
  if (a.length * b.length > 4_000_000) {
    return [...a.map((text, i) => ({ kind: 'removed' as const, text, left: i + 1 })), ...b.map((text, i) => ({ kind: 'added' as const, text, right: i + 1 }))];
  }
  const lcs: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i]!, left: i + 1, right: j + 1 });
      i += 1;
      j += 1;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      out.push({ kind: 'removed', text: a[i]!, left: i + 1 });
      i += 1;
    } else {
      out.push({ kind: 'added', text: b[j]!, right: j + 1 });
      j += 1;
    }
  }
  for (; i < a.length; i += 1) out.push({ kind: 'removed', text: a[i]!, left: i + 1 });
  for (; j < b.length; j += 1) out.push({ kind: 'added', text: b[j]!, right: j + 1 });
  return out;
}
