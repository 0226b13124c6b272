/**
 * The compiled form of a template. Nodes are plain frozen-in-practice data built once per
 * template string by the parser and walked by the evaluator; nothing here is executable.
 */
import type { FilterDef, FunctionDef, TestDef } from './registry.js';

/** A 1-based position in the template. */
export interface Pos {
  readonly line: number;
  readonly column: number;
}

/** Arguments resolved at parse time to the parameter names the filter or function declares. */
export type NamedArgs = readonly (readonly [name: string, value: Expr])[];

export type Expr =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null; readonly pos: Pos }
  | { readonly kind: 'list'; readonly items: readonly Expr[]; readonly pos: Pos }
  | { readonly kind: 'map'; readonly entries: readonly (readonly [Expr, Expr])[]; readonly pos: Pos }
  | { readonly kind: 'range'; readonly from: Expr; readonly to: Expr; readonly pos: Pos }
  | { readonly kind: 'name'; readonly name: string; readonly pos: Pos }
  | { readonly kind: 'member'; readonly object: Expr; readonly key: Expr; readonly pos: Pos }
  | { readonly kind: 'unary'; readonly op: 'not' | '-' | '+'; readonly operand: Expr; readonly pos: Pos }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly pos: Pos }
  | { readonly kind: 'coalesce'; readonly op: '??' | '???'; readonly left: Expr; readonly right: Expr; readonly pos: Pos }
  | { readonly kind: 'ternary'; readonly test: Expr; readonly then: Expr; readonly otherwise: Expr; readonly pos: Pos }
  | { readonly kind: 'test'; readonly name: string; readonly def: TestDef; readonly negated: boolean; readonly operand: Expr; readonly pos: Pos }
  | { readonly kind: 'filter'; readonly name: string; readonly def: FilterDef; readonly input: Expr; readonly args: NamedArgs; readonly pos: Pos }
  | { readonly kind: 'call'; readonly name: string; readonly def: FunctionDef; readonly args: NamedArgs; readonly rest: readonly Expr[]; readonly pos: Pos };

export type BinaryOp =
  | 'or' | 'and'
  | '==' | '!=' | '<' | '>' | '<=' | '>='
  | 'contains'
  | '+' | '-' | '*' | '/' | '%'
  | '~';

/** One block of the template: `source` is its text, quoted in error messages. */
export type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'print'; readonly expr: Expr; readonly source: string }
  | { readonly kind: 'if'; readonly branches: readonly IfBranch[]; readonly otherwise: readonly Node[] | undefined }
  | {
      readonly kind: 'for';
      readonly keyName: string | undefined;
      readonly valueName: string;
      readonly iterable: Expr;
      readonly body: readonly Node[];
      readonly empty: readonly Node[] | undefined;
      readonly source: string;
      readonly pos: Pos;
    }
  | { readonly kind: 'set'; readonly name: string; readonly expr: Expr; readonly source: string };

export interface IfBranch {
  readonly test: Expr;
  readonly body: readonly Node[];
  readonly source: string;
}

/** A compiled template: what the cache holds. */
export interface Template {
  readonly nodes: readonly Node[];
}
