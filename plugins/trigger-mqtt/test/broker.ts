import { randomUUID } from 'node:crypto';
import { connectAsync } from 'mqtt';

/** The local Mosquitto every test talks to. */
export const BROKER = 'tcp://127.0.0.1:1883';

/** A prefix no other test run uses, for topics and client ids. */
export function uniquePrefix(): string {
  return `mqtt-nats-${randomUUID().slice(0, 8)}`;
}

/** Publishes messages, QoS 1 by default, and waits for the broker to have them. */
export async function publish(messages: readonly { topic: string; payload: string | Uint8Array; qos?: 0 | 1 | 2 }[]): Promise<void> {
  const client = await connectAsync('mqtt://127.0.0.1:1883', { protocolVersion: 5, reconnectPeriod: 0 });
  try {
    for (const m of messages) await client.publishAsync(m.topic, Buffer.from(m.payload), { qos: m.qos ?? 1 });
  } finally {
    await client.endAsync();
  }
}

/** Removes the persistent sessions a test left on the broker: a clean connection discards a session. */
export async function dropSessions(clientIds: readonly string[]): Promise<void> {
  for (const clientId of clientIds) {
    for (const protocolVersion of [4, 5] as const) {
      const client = await connectAsync('mqtt://127.0.0.1:1883', { clientId, clean: true, protocolVersion, reconnectPeriod: 0 });
      await client.endAsync();
    }
  }
}

/** Waits until `predicate` holds, checking every 20 ms, for at most `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A promise and the functions that settle it. */
export function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
