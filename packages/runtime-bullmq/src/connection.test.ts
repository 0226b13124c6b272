import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { coalesceWrites, failInFlightOnClose, REPLY_LOST } from './connection.js';

/** Runs against the real Redis on 127.0.0.1:6379; it sends PING, ECHO, CLIENT and a BLPOP on a key of its own. */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

type Writable = { _write: (...args: unknown[]) => void; _writev: (...args: unknown[]) => void };

/** Counts the writes that reach the socket (one per system call), however many commands each holds. */
function countSocketWrites(client: Redis): { readonly count: () => number } {
  const socket = client.stream as unknown as Writable;
  let writes = 0;
  for (const name of ['_write', '_writev'] as const) {
    const original = socket[name].bind(socket);
    socket[name] = (...args: unknown[]) => {
      writes++;
      original(...args);
    };
  }
  return { count: () => writes };
}

const clients: Redis[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

async function readyClient(coalesce: boolean): Promise<Redis> {
  const client = new Redis(REDIS_URL, { lazyConnect: true });
  clients.push(client);
  await client.connect();
  return coalesce ? coalesceWrites(client) : client;
}

/** Sends one ECHO from each of `n` callbacks that run in the same turn of the event loop. */
async function echoFromSeparateCallbacks(client: Redis, n: number): Promise<string[]> {
  const replies: Promise<string>[] = [];
  await new Promise<void>((resolve) => {
    for (let i = 0; i < n; i++) {
      setImmediate(() => {
        replies.push(client.echo(`m${i}`));
        if (i === n - 1) resolve();
      });
    }
  });
  return Promise.all(replies);
}

describe('coalesceWrites', () => {
  it('sends the commands of separate callbacks of one loop turn in one socket write, in order', async () => {
    // Separate callbacks of one turn are what separate HTTP requests are: each webhook's
    // commands are issued from its own socket's callback.
    const client = await readyClient(true);
    const writes = countSocketWrites(client);
    expect(await echoFromSeparateCallbacks(client, 5)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(writes.count()).toBe(1);
  });

  it('holds nothing past the turn: a command of a later turn leaves in its own write', async () => {
    const client = await readyClient(true);
    const writes = countSocketWrites(client);
    expect(await client.echo('first')).toBe('first');
    expect(await client.echo('second')).toBe('second');
    expect(writes.count()).toBe(2);
  });

  it('is what makes the difference: without it, each callback writes on its own', async () => {
    const client = await readyClient(false);
    const writes = countSocketWrites(client);
    expect(await echoFromSeparateCallbacks(client, 5)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(writes.count()).toBe(5);
  });
});

describe('failInFlightOnClose', () => {
  /** Sends a BLPOP that waits, kills its connection from Redis' side, and reports what became of it. */
  async function blpopAcrossAReset(guarded: boolean): Promise<{ rejected: string | undefined; resent: boolean }> {
    const key = `sluice-test-inflight-${randomBytes(6).toString('hex')}`;
    const client = new Redis(REDIS_URL, { connectionName: key, lazyConnect: true, retryStrategy: () => 50, ...(guarded ? { autoResendUnfulfilledCommands: false } : {}) });
    const admin = new Redis(REDIS_URL);
    clients.push(client, admin);
    if (guarded) failInFlightOnClose(client);
    await client.connect();
    const id = await client.client('ID');
    let rejected: string | undefined;
    const pending = client.blpop(key, 3).catch((error: Error) => (rejected = error.message));
    await expect.poll(async () => String(await admin.client('LIST')).includes(`cmd=blpop`), { timeout: 2000 }).toBe(true);
    await admin.client('KILL', 'ID', String(id));
    await new Promise<void>((resolve) => client.once('ready', () => resolve()));
    // Once reconnected, is a BLPOP on the key waiting again (the command resent)?
    // Looked at for half a second: a resent command reaches Redis on its own socket, in its own time.
    let resent = false;
    for (const until = Date.now() + 500; !resent && Date.now() < until; await new Promise((r) => setTimeout(r, 20))) {
      resent = String(await admin.client('LIST')).split('\n').some((line) => line.includes(`name=${key} `) && line.includes('cmd=blpop'));
    }
    if (!guarded) await admin.lpush(key, 'x');
    await pending;
    await admin.del(key);
    return { rejected, resent };
  }

  it('fails a command waiting for its reply at once when the connection drops, and never resends it', async () => {
    const { rejected, resent } = await blpopAcrossAReset(true);
    expect(rejected).toBe(REPLY_LOST);
    expect(resent).toBe(false);
  });

  it('is what makes the difference: ioredis alone resends the command after reconnecting', async () => {
    const { rejected, resent } = await blpopAcrossAReset(false);
    expect(rejected).toBeUndefined();
    expect(resent).toBe(true);
  });
});
