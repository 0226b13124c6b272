/**
 * Follows a server-sent event stream (the session cookie authorizes it) and hands each named
 * event's parsed data to `onEvent`. Returns a function that closes the stream. The stream
 * closes itself on `end`, so the browser does not reconnect to a finished execution.
 */
export function follow(url: string, events: readonly string[], onEvent: (event: string, data: unknown) => void, onError?: () => void): () => void {
  const source = new EventSource(url, { withCredentials: true });
  const handle = (name: string) => (message: MessageEvent<string>) => {
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch {
      data = message.data;
    }
    onEvent(name, data);
    if (name === 'end') source.close();
  };
  for (const name of events) source.addEventListener(name, handle(name) as EventListener);
  source.onerror = () => {
    // A closed stream (server restart, 401) is not retried forever: the page falls back to polling.
    if (source.readyState === EventSource.CLOSED) onError?.();
  };
  return () => source.close();
}
