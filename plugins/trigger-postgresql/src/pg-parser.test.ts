import { describe, expect, it } from 'vitest';

// Counted before anything of the package is imported: every import below is dynamic.
// (The project's lib has no WebAssembly types: the global is reached through globalThis.)
const wasm = (globalThis as unknown as { WebAssembly: { instantiate: (...args: unknown[]) => Promise<unknown> } }).WebAssembly;
const instantiated: string[] = [];
const instantiate = wasm.instantiate.bind(wasm);
wasm.instantiate = (...args: unknown[]) => {
  instantiated.push(new Error().stack ?? '');
  return instantiate(...args);
};

describe("PostgreSQL's parser in a worker thread", () => {
  it('loading the plugin package and checking SQL with it instantiate no WebAssembly in this thread', async () => {
    await import('./index.js');
    const { sqlProblems } = await import('./sql.js');
    expect(sqlProblems('SELECT 1', new Set())).toEqual([]);
    expect(instantiated).toEqual([]);
  });

  it('counts the statements, and gives the refusal with the offset it points at', async () => {
    const { parseStatements } = await import('./pg-parser.js');
    expect(parseStatements('SELECT 1')).toEqual({ ok: true, statements: 1 });
    expect(parseStatements('SELECT 1; SELECT 2')).toEqual({ ok: true, statements: 2 });
    expect(parseStatements('  -- nothing')).toEqual({ ok: true, statements: 0 });
    expect(parseStatements('')).toEqual({ ok: false, message: 'Error: Query cannot be empty' });
    expect(parseStatements('SELECT 1 FROM WHERE')).toEqual({ ok: false, message: 'syntax error at or near "WHERE"', cursorPosition: 14 });
  });

  it('scans tokens with their places, and answers a refusal (not a throw) for an unterminated string', async () => {
    const { scanTokens } = await import('./pg-parser.js');
    const scanned = scanTokens('SELECT :id');
    expect(scanned.ok && scanned.tokens.map(({ start, end, text }) => [start, end, text])).toEqual([[0, 6, 'SELECT'], [7, 8, ':'], [8, 10, 'id']]);
    expect(scanTokens("SELECT 'abc").ok).toBe(false);
  });

  it('an unterminated string with parameters is refused at its line and column, saying why nothing was bound, where the scanner used to throw', async () => {
    const { sqlProblems } = await import('./sql.js');
    expect(sqlProblems("SELECT *\nFROM orders WHERE id = :id AND note = 'abc", new Set(['id']))).toEqual([
      "invalid SQL at line 2, column 24 of the query: syntax error at or near \":\" (its :name placeholders could not be bound: PostgreSQL's scanner refused the statement, as it does an unterminated quoted string or comment)",
    ]);
    expect(sqlProblems("SELECT * FROM orders WHERE note = 'abc", new Set())).toEqual(['invalid SQL at line 1, column 35 of the query: unterminated quoted string at or near "\'abc"']);
  });
});
