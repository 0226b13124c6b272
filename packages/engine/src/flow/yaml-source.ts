import { Buffer } from 'node:buffer';
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, visit, type Document, type Node } from 'yaml';
import { engineErrors } from '../errors.js';
import type { PathSegment } from '../plugins/value-errors.js';
import { segmentsToPath } from '../plugins/value-errors.js';
import { Locator } from './locate.js';
import { nestingPastLimit } from './nesting.js';
import type { FlowProblem, ParseFlowOptions } from './problems.js';

/** Default limits: far above any real flow, far below what hurts a server. */
export const LIMITS = { maxBytes: 1024 * 1024, maxDepth: 64, maxAliasCount: 100 } as const;

const { FLOW_YAML_SYNTAX, FLOW_YAML_TOO_COMPLEX, FLOW_DUPLICATE_KEY, FLOW_YAML_UNKNOWN_TAG } = engineErrors.codes;

/** The YAML 1.2 core schema's tags: the only ones whose meaning is plain data. */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

/** A tag as written: `!!js/function` rather than `tag:yaml.org,2002:js/function`. */
function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

/**
 * Tags outside the core schema, each with its position. yaml warns about tags it cannot
 * resolve and then reads the value as if untagged (so `!!js/function "..."` became a plain
 * string), and resolves a few YAML 1.1 tags (`!!binary`, `!!timestamp`, `!!set`) to values a
 * flow cannot hold: both are refused, so what is saved is what was written.
 */
function tagProblems(doc: Document.Parsed, locator: Locator): FlowProblem[] {
  const problems: FlowProblem[] = [];
  // yaml warns at every use of a tag it cannot resolve, with the tag's own position.
  const unresolved = new Set<string>();
  for (const warning of doc.warnings) {
    if (warning.code !== 'TAG_RESOLVE_FAILED') continue;
    const tag = /Unresolved tag: (\S+)/.exec(warning.message)?.[1] ?? '?';
    unresolved.add(tag);
    problems.push(problem(FLOW_YAML_UNKNOWN_TAG, engineErrors.FLOW_YAML_UNKNOWN_TAG(shortTag(tag)).message, locator, warning.pos[0]));
  }
  // yaml's own visitor: no path is built for the nodes that pass, which is all of them in a real flow.
  visit(doc, {
    Node(_key, node) {
      const tag = (node as { tag?: string }).tag;
      if (tag === undefined || CORE_TAGS.has(tag) || unresolved.has(tag)) return;
      problems.push(problem(FLOW_YAML_UNKNOWN_TAG, engineErrors.FLOW_YAML_UNKNOWN_TAG(shortTag(tag)).message, locator, node.range?.[0] ?? 0));
    },
  });
  return problems;
}

/** One YAML document of a source: its plain value when it read cleanly, else its problems. */
export interface YamlDocument {
  readonly locator: Locator;
  readonly value: unknown;
  readonly problems: readonly FlowProblem[];
}

type Visit = (node: Node, segments: readonly PathSegment[], depth: number) => void;

// Iterative, so a pathologically deep document cannot overflow the stack here. Aliases are not
// followed: they are counted (and capped) when the value is built.
function walk(root: unknown, visit: Visit): void {
  const stack: { node: unknown; segments: readonly PathSegment[]; depth: number }[] = [{ node: root, segments: [], depth: 0 }];
  while (stack.length > 0) {
    const { node, segments, depth } = stack.pop() as (typeof stack)[number];
    if (isMap(node)) {
      visit(node, segments, depth);
      for (const pair of [...node.items].reverse()) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        if (pair.key) stack.push({ node: pair.key, segments: [...segments, key], depth: depth + 1 });
        stack.push({ node: pair.value, segments: [...segments, key], depth: depth + 1 });
      }
    } else if (isSeq(node)) {
      visit(node, segments, depth);
      node.items.forEach((item, i) => stack.push({ node: item, segments: [...segments, i], depth: depth + 1 }));
    } else if (isScalar(node) || isAlias(node)) {
      visit(node, segments, depth);
    }
  }
}

function problem(code: string, message: string, locator: Locator, offset: number, segments: readonly PathSegment[] = []): FlowProblem {
  return { code, path: segmentsToPath(segments), message, ...locator.at(offset) };
}

// The path and name of the key at `offset`, for a duplicate-key error yaml reports by offset.
function keyAt(doc: Document, offset: number): { segments: readonly PathSegment[]; name: string } | undefined {
  let found: { segments: readonly PathSegment[]; name: string } | undefined;
  walk(doc.contents, (node, segments) => {
    if (!found && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.range?.[0] === offset);
      if (pair && isScalar(pair.key)) found = { segments: [...segments, String(pair.key.value)], name: String(pair.key.value) };
    }
  });
  return found;
}

function readDocument(doc: Document.Parsed, lines: LineCounter, limits: Required<Omit<ParseFlowOptions, 'tenantId'>>, mayHaveTags: boolean): YamlDocument {
  const locator = new Locator(doc, lines);
  const problems: FlowProblem[] = doc.errors.map((error) => {
    const offset = error.pos[0];
    if (error.code === 'RESOURCE_EXHAUSTION') {
      return problem(FLOW_YAML_TOO_COMPLEX, 'the document is nested too deeply', locator, offset);
    }
    if (error.code === 'DUPLICATE_KEY') {
      const key = keyAt(doc, offset);
      return problem(FLOW_DUPLICATE_KEY, engineErrors.FLOW_DUPLICATE_KEY(key?.name ?? '?').message, locator, offset, key?.segments);
    }
    return problem(FLOW_YAML_SYNTAX, error.message, locator, offset);
  });
  if (problems.length > 0) return { locator, value: undefined, problems };
  // A tag is a `!` that starts a node (after a space, a line start, `-`, `:`, `,`, `[` or `{`):
  // a source without one, such as most flows, skips the walk.
  const tags = mayHaveTags ? tagProblems(doc, locator) : [];
  if (tags.length > 0) return { locator, value: undefined, problems: tags };

  let tooDeep: FlowProblem | undefined;
  walk(doc.contents, (node, segments, depth) => {
    if (!tooDeep && depth > limits.maxDepth) {
      const message = `nesting deeper than ${limits.maxDepth} levels`;
      tooDeep = problem(FLOW_YAML_TOO_COMPLEX, message, locator, node.range?.[0] ?? 0, segments);
    }
  });
  if (tooDeep) return { locator, value: undefined, problems: [tooDeep] };

  try {
    // maxAliasCount bounds what aliases may expand to: the "billion laughs" stop here.
    return { locator, value: doc.toJS({ maxAliasCount: limits.maxAliasCount }), problems: [] };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof ReferenceError ? FLOW_YAML_TOO_COMPLEX : FLOW_YAML_SYNTAX;
    const text = code === FLOW_YAML_TOO_COMPLEX ? `aliases expand too much (${message})` : message;
    return { locator, value: undefined, problems: [problem(code, text, locator, doc.range[0])] };
  }
}

/**
 * Reads every YAML document of `source` safely: a size cap and a nesting bound before parsing,
 * yaml's own guard against deep nesting, a depth cap on the parsed tree, an alias-expansion
 * cap (all `FLOW_YAML_TOO_COMPLEX`), and duplicate keys as errors. Positions come from a `LineCounter`, so every problem has
 * its line and column. Returns the problems of the whole source when it cannot be read at all.
 */
export function readYaml(source: string, options: ParseFlowOptions = {}): { documents: YamlDocument[] } | { problems: FlowProblem[] } {
  const limits = {
    maxBytes: options.maxBytes ?? LIMITS.maxBytes,
    maxDepth: options.maxDepth ?? LIMITS.maxDepth,
    maxAliasCount: options.maxAliasCount ?? LIMITS.maxAliasCount,
  };
  const size = Buffer.byteLength(source, 'utf8');
  if (size > limits.maxBytes) {
    const message = `the source is ${size} bytes, more than the ${limits.maxBytes} accepted`;
    return { problems: [{ code: FLOW_YAML_TOO_COMPLEX, path: '', message, line: 1, column: 1 }] };
  }
  // The lexer's bound over-counts up to about three times; four times the depth cap keeps real
  // flows clear of it while keeping yaml's parser away from inputs that would take it seconds.
  const deepLine = nestingPastLimit(source, limits.maxDepth * 4);
  if (deepLine !== undefined) {
    return { problems: [{ code: FLOW_YAML_TOO_COMPLEX, path: '', message: 'the document is nested too deeply', line: deepLine, column: 1 }] };
  }
  const lines = new LineCounter();
  // prettyErrors stays off: it would copy source context into messages, and on very long
  // lines building that context is itself costly.
  const docs = parseAllDocuments(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  const mayHaveTags = /(?:^|[\s,[{:-])!/.test(source);
  return { documents: Array.from(docs, (doc) => readDocument(doc, lines, limits, mayHaveTags)) };
}
