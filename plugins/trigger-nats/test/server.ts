import { randomUUID } from 'node:crypto';
import { connect, headers as natsHeaders, type NatsConnection } from 'nats';

/** The local NATS server with JetStream every test talks to. */
export const NATS_URL = 'nats://127.0.0.1:4222';

/** A JetStream stream of a test's own, capturing `<prefix>.>`, removed by `drop`. */
export interface TestStream {
  readonly name: string;
  readonly prefix: string;
  publish(messages: readonly { subject: string; data: string; headers?: Readonly<Record<string, string>> }[]): Promise<void>;
  /** How many messages the named consumer has delivered and not yet had acknowledged, and how many it has not delivered. */
  consumerState(consumer: string): Promise<{ ackPending: number; pending: number; redelivered: number }>;
  drop(): Promise<void>;
}

export async function createTestStream(): Promise<TestStream> {
  const id = randomUUID().slice(0, 8);
  const prefix = `mqtt_nats_${id}`;
  const name = `MQTT_NATS_${id}`;
  const nc: NatsConnection = await connect({ servers: '127.0.0.1:4222' });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name, subjects: [`${prefix}.>`] });
  const js = nc.jetstream();
  return {
    name,
    prefix,
    async publish(messages) {
      for (const m of messages) {
        const h = natsHeaders();
        for (const [k, v] of Object.entries(m.headers ?? {})) h.append(k, v);
        await js.publish(m.subject, new TextEncoder().encode(m.data), { headers: h });
      }
    },
    async consumerState(consumer) {
      const info = await jsm.consumers.info(name, consumer);
      return { ackPending: info.num_ack_pending, pending: info.num_pending, redelivered: info.num_redelivered };
    },
    async drop() {
      await jsm.streams.delete(name);
      await nc.close();
    },
  };
}

/** Waits until `predicate` holds, checking every 20 ms, for at most `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
