import type { JsMsg } from 'nats';

/** One JetStream message as a flow reads it (Kestra's NATS `Output`). */
export interface NatsMessage {
  readonly subject: string;
  readonly headers: Record<string, string[]>;
  readonly data: string;
  readonly timestamp: string;
  readonly sequence: number;
  readonly stream: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The message's variables, or `undefined` when its data is not UTF-8 text (Kestra gives `data` as a string). */
export function messageVariables(message: JsMsg): NatsMessage | undefined {
  let data: string;
  try {
    data = utf8.decode(message.data);
  } catch {
    return undefined;
  }
  const headers: Record<string, string[]> = {};
  for (const [name, values] of message.headers ?? []) headers[name] = [...values];
  return {
    subject: message.subject,
    headers,
    data,
    timestamp: new Date(Math.floor(message.info.timestampNanos / 1_000_000)).toISOString(),
    sequence: message.info.streamSequence,
    stream: message.info.stream,
  };
}
