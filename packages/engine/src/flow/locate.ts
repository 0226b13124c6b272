import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { ErrorTarget, PathSegment } from '../plugins/value-errors.js';

/** A 1-based position in the source. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

type AnyNode = Node | null | undefined;

/**
 * Finds where a path of the parsed value sits in the YAML source, so an error on
 * `tasks[3].message` points at line and column rather than at a JSON pointer.
 */
export class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The 1-based line and column of an offset in the source. */
  at(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /** Where the document starts (after a `---`, for the second document of a source). */
  documentStart(): Position {
    return this.at(this.doc.range?.[0] ?? 0);
  }

  /**
   * Where to point for an error about `segments`: the key (`key`), the mapping holding the
   * property (`parent`), or the value (`value`). A path that leaves the document (a missing
   * property) points at the deepest node it reaches, which is the mapping that lacks it.
   */
  position(segments: readonly PathSegment[], target: ErrorTarget): Position {
    let node: AnyNode = this.doc.contents;
    let parent: AnyNode;
    let pair: Pair | undefined;
    for (const segment of segments) {
      node = this.resolve(node);
      const next = this.child(node, segment);
      if (!next) return this.start(node);
      parent = node;
      pair = next.pair;
      node = next.node;
    }
    if (target === 'parent') return this.start(parent ?? node);
    const key = pair?.key as AnyNode;
    if (target === 'key' && key) return this.start(key);
    // An empty value (`message:`) has no text of its own; its key is the useful place.
    const value = this.resolve(node);
    const empty = !value || (isScalar(value) && value.value === null && value.source === '');
    return this.start(empty && key ? key : (value ?? parent));
  }

  private child(node: AnyNode, segment: PathSegment): { node: AnyNode; pair?: Pair } | undefined {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      return pair ? { node: pair.value as AnyNode, pair } : undefined;
    }
    if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      return { node: node.items[segment] as AnyNode };
    }
    return undefined;
  }

  // An alias stands for its anchored node: errors inside it point at the anchor's text.
  private resolve(node: AnyNode): AnyNode {
    return isAlias(node) ? (node.resolve(this.doc) as AnyNode) : node;
  }

  private start(node: AnyNode): Position {
    const offset = node && (isScalar(node) || isCollection(node) || isAlias(node)) ? node.range?.[0] : undefined;
    return this.at(offset ?? this.doc.range?.[0] ?? 0);
  }
}
