import { CST, Lexer } from 'yaml';

/**
 * A quick upper bound of how deeply `source` nests, from yaml's lexer alone, so a hostile
 * document is refused before yaml's parser, which spends seconds on a few hundred kilobytes of
 * `[[[[` or `- - - -`. Returns the 1-based line where the bound first passes `limit`, or
 * `undefined` when it never does.
 *
 * The bound over-counts on purpose: it never says less than the real depth, so nothing deep
 * slips through, and callers set `limit` well above the real depth they accept. Per line it
 * adds the block levels open before it (two per indentation level, since a list may sit at its
 * parent key's indentation), every `-`, `?` and `:` on the line (each may open a level in
 * compact notation), and the open `[` and `{`. The lexer keeps quoted and block scalars whole,
 * so brackets inside strings do not count.
 */
export function nestingPastLimit(source: string, limit: number): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let indicators = 0;
  let line = 1;
  let lineStart = true;
  let pendingIndent = 0;
  for (const token of new Lexer().lex(source)) {
    const type = CST.tokenType(token);
    if (type === 'newline') {
      line += 1;
      indicators = 0;
      lineStart = true;
      pendingIndent = 0;
      continue;
    }
    if (type === 'space' || type === 'comment' || type === 'byte-order-mark' || type === 'doc-mode') {
      if (type === 'space' && lineStart) pendingIndent = token.length;
      continue;
    }
    if (lineStart && flow === 0) {
      while (indents.length > 0 && (indents[indents.length - 1] ?? 0) >= pendingIndent) indents.pop();
      indents.push(pendingIndent);
    }
    lineStart = false;
    if (type === 'flow-seq-start' || type === 'flow-map-start') flow += 1;
    else if (type === 'flow-seq-end' || type === 'flow-map-end') flow = Math.max(0, flow - 1);
    else if (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind') indicators += 1;
    if (2 * indents.length + indicators + flow > limit) return line;
    // Multi-line scalars carry their own line breaks.
    for (let i = token.indexOf('\n'); i !== -1; i = token.indexOf('\n', i + 1)) line += 1;
  }
  return undefined;
}
