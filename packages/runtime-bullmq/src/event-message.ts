import type { ExecutionEvent } from '@sluice/engine';

/**
 * The wire form of execution events on the event channel: one JSON object per message,
 * `{"executionId":…,"state":…,"terminated":…}`, plus `"execution":{…}` when a terminal event
 * carries the saved execution. The id comes first, so a subscriber can tell from the first bytes
 * whether anyone in its process follows the execution, and skip parsing a message nobody wants
 * (every subscribed process receives every event).
 */

/** Executions whose JSON is longer than this are not sent along with their terminal event. */
export const CARRIED_EXECUTION_MAX_CHARS = 64 * 1024;

/** The message without its closing brace, so the save script can append the execution it stores. */
export function eventHead(event: ExecutionEvent): string {
  return JSON.stringify({ executionId: event.executionId, state: event.state, terminated: event.terminated }).slice(0, -1);
}

/** A whole message, for an event published on its own. */
export function eventMessage(event: ExecutionEvent): string {
  return `${eventHead(event)}}`;
}

const ID_FIRST = /^\{"executionId":"([^"\\]*)"/;

/** The execution id of a message read from its first bytes; undefined when it is not plain (then parse). */
export function messageExecutionId(message: string): string | undefined {
  return ID_FIRST.exec(message)?.[1];
}
