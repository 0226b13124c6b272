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

/**
 * Closes, from the broker's side, every connection named `name` (as a broker restart or an
 * operator would), through `rabbitmqctl`; resolves to how many it closed.
 */
export async function closeConnectionsNamed(name: string): Promise<number> {
  const { execFile } = await import('node:child_process');
  const run = (args: string[]) =>
    new Promise<string>((resolve, reject) => {
      execFile('rabbitmqctl', ['--quiet', ...args], { timeout: 30_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
    });
  const lines = (await run(['list_connections', '--no-table-headers', 'pid', 'client_properties'])).split('\n');
  const pids = lines.filter((line) => line.includes(name)).map((line) => line.split('\t')[0] ?? '');
  for (const pid of pids) await run(['close_connection', pid, 'closed by the test']);
  return pids.length;
}
