import * as api from '../api/api.js';
import type { Marker } from './codemirror.js';

/**
 * The server's validation of the editor's text as markers at line and column; a flow that
 * cannot be checked (server unreachable) gets one marker saying so.
 */
export async function serverMarkers(text: string): Promise<Marker[]> {
  try {
    const results = await api.validateFlow(text);
    return results.flatMap((r) => (r.errors ?? []).map((e) => ({ message: `${e.path ? `${e.path}: ` : ''}${e.message}`, ...(e.line ? { line: e.line } : {}), ...(e.column ? { column: e.column } : {}) })));
  } catch (error) {
    return [{ message: `Could not validate: ${(error as Error).message}`, line: 1, column: 1 }];
  }
}
