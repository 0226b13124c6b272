import { PassThrough } from 'node:stream';
import { isLevelEnabled } from '@sluice/core';
import { isTerminated, type Execution, type LogEntry, type LogQuery } from '@sluice/engine';
import type { Context } from 'koa';
import type { ServerContext } from '../server-context.js';

/**
 * How often a follower reads the logs while the execution runs. Lines stored with a state change
 * arrive at once (the change's event triggers a read); lines stored between events (a task's
 * lines saved with its end, a long task's batches) arrive within this.
 */
const POLL_MS = 1000;
/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

const matches = (entry: LogEntry, q: LogQuery): boolean =>
  (q.minLevel === undefined || isLevelEnabled(entry.level, q.minLevel)) &&
  (q.taskId === undefined || entry.taskId === q.taskId) &&
  (q.taskRunId === undefined || entry.taskRunId === q.taskRunId);

/**
 * `GET /logs/{executionId}/follow`: server-sent events of an execution's log lines. First every
 * line stored so far, then each new one once stored, one `log` event per line (data: the
 * LogEntry JSON, id: its position, so a reconnecting EventSource resumes after the last line it
 * got), then `end` (data: `{"executionId","state"}`) once the execution has ended and its last
 * lines are sent. The stream ends there, or when the client goes.
 */
export async function followLogs(s: ServerContext, ctx: Context, first: Execution, q: LogQuery): Promise<void> {
  const id = first.id;
  const stream = new PassThrough();
  ctx.req.socket.setTimeout(0);
  ctx.set({ 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  ctx.type = 'text/event-stream';
  ctx.body = stream;

  // A reconnecting EventSource says the last line it got: it resumes after it.
  const last = /^\d{1,9}$/.test(ctx.get('last-event-id')) ? Number(ctx.get('last-event-id')) : -1;
  let sent = last + 1;
  let closed = false;
  let lastWrite = Date.now();
  const write = (text: string): void => {
    lastWrite = Date.now();
    stream.write(text);
  };
  // Reads run one at a time: a poll and an event never send the same line twice.
  let reading: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => Promise<void>) | undefined;

  const finish = (): void => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    void unsubscribe?.();
    stream.end();
  };
  const read = (): Promise<void> =>
    (reading = reading.then(async () => {
      if (closed) return;
      // The execution first: when it has ended, the lines read after it are its last ones.
      const execution = await s.runtime.executions.get(id);
      const entries = await s.runtime.logs.list(id);
      if (closed) return;
      for (let i = sent; i < entries.length; i++) {
        const entry = entries[i]!;
        if (matches(entry, q)) write(`id: ${i}\nevent: log\ndata: ${JSON.stringify(entry)}\n\n`);
      }
      sent = Math.max(sent, entries.length);
      if (!execution || isTerminated(execution.state.current)) {
        write(`event: end\ndata: ${JSON.stringify({ executionId: id, state: execution?.state.current ?? null })}\n\n`);
        finish();
      } else if (Date.now() - lastWrite >= KEEPALIVE_MS) {
        write(': keep-alive\n\n');
      }
    }).catch((error: unknown) => {
      // The store went away mid-stream: say so and end; the client reconnects and resumes.
      s.logger.warn({ err: error, executionId: id }, 'following logs failed');
      if (!closed) write(`event: error\ndata: ${JSON.stringify({ message: 'the store is unavailable; reconnect to resume' })}\n\n`);
      finish();
    }));

  ctx.req.on('close', finish);
  if (!isTerminated(first.state.current)) {
    // Subscribed before the first read, so no change between the two goes unheard.
    const off = await s.runtime.events.subscribe(id, () => void read());
    if (closed) void off();
    else unsubscribe = off;
    const poll = (): void => {
      if (!closed) timer = setTimeout(() => void read().then(poll), POLL_MS);
    };
    poll();
  }
  await read();
}
