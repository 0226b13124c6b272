import { isSluiceError } from '@sluice/core';

/** An error as a log line's `err` field: its message, and its code when it has one. */
export function describeError(error: unknown): { message: string; code?: string } {
  if (isSluiceError(error)) return { message: error.message, code: error.code };
  return { message: error instanceof Error ? error.message : String(error) };
}
