/** One server-sent event. */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/**
 * Reads a server-sent event stream until it ends or `stopAt` is seen, at most `timeoutMs`;
 * rejects past the deadline with the events seen so far. `onEvent` is called (and awaited) as
 * each event arrives, before the next is read.
 */
export async function readSse(res: Response, stopAt?: string, timeoutMs = 10_000, onEvent?: (event: SseEvent) => Promise<void> | void): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  if (!res.body) return events;
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`SSE stream not done within ${timeoutMs} ms; events: ${JSON.stringify(events.map((e) => e.event))}`)), timeoutMs);
  });
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), deadline]);
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        events.push({ event, data: data.join('\n') });
        await onEvent?.(events.at(-1)!);
        if (stopAt !== undefined && event === stopAt) return events;
      }
    }
    return events;
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => undefined);
  }
}
