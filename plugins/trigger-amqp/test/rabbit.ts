import amqp, { type Channel, type ChannelModel, type Options } from 'amqplib';

/** The RabbitMQ this machine runs. */
export const RABBIT = { host: '127.0.0.1', port: 5672, username: 'guest', password: 'guest' } as const;

/** A connection of the test's own, to make, fill, inspect and delete queues. */
export interface Rabbit {
  readonly connection: ChannelModel;
  readonly channel: Channel;
  /** Declares a fresh queue named `sluice-amqp-pg-<name>-<random>` and deletes it at `close`. */
  queue(name: string): Promise<string>;
  publish(queue: string, body: string | Buffer, properties?: Options.Publish): void;
  /** Messages ready in the queue (not those delivered and unacknowledged). */
  ready(queue: string): Promise<number>;
  close(): Promise<void>;
}

export async function openRabbit(): Promise<Rabbit> {
  const connection = await amqp.connect(`amqp://${RABBIT.username}:${RABBIT.password}@${RABBIT.host}:${RABBIT.port}`);
  const channel = await connection.createChannel();
  const made: string[] = [];
  return {
    connection,
    channel,
    async queue(name) {
      const queue = `sluice-amqp-pg-${name}-${Math.random().toString(36).slice(2, 8)}`;
      await channel.assertQueue(queue, { durable: false });
      made.push(queue);
      return queue;
    },
    publish(queue, body, properties) {
      channel.sendToQueue(queue, typeof body === 'string' ? Buffer.from(body) : body, properties);
    },
    async ready(queue) {
      return (await channel.checkQueue(queue)).messageCount;
    },
    async close() {
      for (const queue of made) await channel.deleteQueue(queue).catch(() => undefined);
      await connection.close();
    },
  };
}
