import type { ConsumeMessage } from 'amqplib';
import type { StartDecision } from '@sluice/core';
import type { AmqpMessageVariables } from './amqp.schema.js';

/** How a body is read. */
export type SerdeType = 'STRING' | 'JSON';

/** A message as a start decision, or why its body could not be read. */
export type DecodedMessage = { readonly ok: true; readonly start: StartDecision<AmqpMessageVariables> } | { readonly ok: false; readonly reason: string };

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * What one delivered message starts. The broker's `message-id`, when the publisher set one, is
 * the start's key, so a redelivery starts the same execution again only once. Without it every
 * delivery starts its own execution (a message redelivered after a crash starts a second one).
 */
export function decodeMessage(message: Pick<ConsumeMessage, 'content' | 'properties'>, serde: SerdeType): DecodedMessage {
  let text: string;
  try {
    text = UTF8.decode(message.content);
  } catch {
    return { ok: false, reason: 'the body is not UTF-8 text' };
  }
  let data: unknown = text;
  if (serde === 'JSON') {
    try {
      data = JSON.parse(text);
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }
  const variables = { data, ...propertiesOf(message.properties) };
  const key = nonEmpty(message.properties.messageId);
  return { ok: true, start: { kind: 'start', variables, ...(key === undefined ? {} : { key }) } };
}

type Properties = ConsumeMessage['properties'];

function propertiesOf(p: Properties): Omit<AmqpMessageVariables, 'data'> {
  const out: Record<string, unknown> = {};
  const set = (name: string, value: unknown) => {
    if (value !== undefined && value !== null) out[name] = value;
  };
  set('contentType', nonEmpty(p.contentType));
  set('contentEncoding', nonEmpty(p.contentEncoding));
  if (p.headers !== undefined && Object.keys(p.headers).length > 0) out.headers = headersOf(p.headers);
  set('deliveryMode', typeof p.deliveryMode === 'number' ? p.deliveryMode : undefined);
  set('priority', typeof p.priority === 'number' ? p.priority : undefined);
  set('messageId', nonEmpty(p.messageId));
  set('correlationId', nonEmpty(p.correlationId));
  set('replyTo', nonEmpty(p.replyTo));
  set('expiration', expirationOf(p.expiration));
  // AMQP timestamps are whole seconds since the epoch.
  set('timestamp', typeof p.timestamp === 'number' ? new Date(p.timestamp * 1000).toISOString().replace('.000Z', 'Z') : undefined);
  set('type', nonEmpty(p.type));
  set('userId', nonEmpty(p.userId));
  set('appId', nonEmpty(p.appId));
  return out as Omit<AmqpMessageVariables, 'data'>;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Header values as strings, as Kestra's `toString()` gives them (bytes read as UTF-8, tables as JSON). */
function headersOf(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    out[name] = Buffer.isBuffer(value) ? value.toString('utf8') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return out;
}

/** The `expiration` property (milliseconds, as text) as an ISO-8601 duration. */
function expirationOf(value: unknown): string | undefined {
  const ms = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
  if (ms === undefined) return undefined;
  const seconds = ms / 1000;
  return `PT${Number.isInteger(seconds) ? seconds : seconds.toFixed(3).replace(/0+$/, '')}S`;
}
