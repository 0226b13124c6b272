import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { connectAsync } from 'mqtt';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { api, createFlow, deleteKeys } from './support/api.js';
import { REDIS_URL, eventually, startServer, uniquePrefix, type ServerProcess } from './support/server-process.js';

// The MQTT RealtimeTrigger against the local Mosquitto (issue 18): 1,000 QoS 1 messages reach
// two webservers over one Redis while the process holding the subscription is killed with
// SIGKILL; every message gets an execution, and duplicates come only from the broker's
// redelivery. And a broker that refuses the connection at start leaves the server serving.

const BROKER = 'mqtt://127.0.0.1:1883';
const NAMESPACE = 'e2e.mqtt';
const LEASE_MS = 3000;
const MESSAGES = 1000;
/**
 * Mosquitto's `max_inflight_messages` (20 by default; this machine's mosquitto.conf keeps it):
 * how many QoS 1 messages the broker sends a client before it has their PUBACKs.
 */
const BROKER_INFLIGHT = 20;
/** The host's emit slots per listen trigger (`maxInFlight` in trigger-runners.ts). */
const HOST_IN_FLIGHT = 16;

const suffix = `mqtt-e2e-${randomBytes(4).toString('hex')}`;

interface TriggerJson { workerId?: string; executions: number; errors: number; lastError?: { message: string } }
interface MessageExecution { id: string; trigger: { variables: { payload: { seq: number } } } }

const flowYaml = (id: string, server: string, clientId: string, topic: string) => `id: ${id}
namespace: ${NAMESPACE}
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "message {{ trigger.payload.seq }}"
triggers:
  - id: mqtt
    type: io.kestra.plugin.mqtt.RealtimeTrigger
    server: ${server}
    clientId: ${clientId}
    topic: ${topic}
    qos: 1
`;

const trigger = async (url: string, flowId: string): Promise<TriggerJson> =>
  (await (await api(url, `/api/v1/main/triggers/${NAMESPACE}/${flowId}/mqtt`)).json()) as TriggerJson;

/** Every execution of `flowId`, page by page (the API gives at most 500 a page). */
async function allExecutions(url: string, flowId: string): Promise<MessageExecution[]> {
  const all: MessageExecution[] = [];
  for (let page = 1; ; page++) {
    const res = await api(url, `/api/v1/main/executions/search?namespace=${NAMESPACE}&flowId=${flowId}&size=500&page=${page}`);
    const { results, total } = (await res.json()) as { results: MessageExecution[]; total: number };
    all.push(...results);
    if (results.length === 0 || all.length >= total) return all;
  }
}

const executionTotal = async (url: string, flowId: string): Promise<number> =>
  ((await (await api(url, `/api/v1/main/executions/search?namespace=${NAMESPACE}&flowId=${flowId}&size=1`)).json()) as { total: number }).total;

/** A persistent session's messages stay on the broker until a clean connection drops them. */
async function dropSession(clientId: string): Promise<void> {
  const client = await connectAsync(BROKER, { clientId, clean: true, protocolVersion: 5, reconnectPeriod: 0 });
  await client.endAsync();
}

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('MQTT RealtimeTrigger, two webservers over one Redis', () => {
  const processes: ServerProcess[] = [];
  const prefix = uniquePrefix('mqtt-e2e');
  const clientId = `sluice-${suffix}`;
  const topic = `sluice/${suffix}/readings`;
  const env = { REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_TRIGGER_LEASE_MS: String(LEASE_MS) };
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
  });
  afterAll(async () => {
    await deleteKeys(prefix);
    await dropSession(clientId);
  });

  it('gives every one of 1,000 QoS 1 messages an execution while the subscription holder is killed with SIGKILL; duplicates stay within the redelivered window', async () => {
    // Open the trigger's persistent session first, so the broker keeps every message published
    // from now on for it, whichever process subscribes and whenever.
    const opener = await connectAsync(BROKER, { clientId, clean: false, protocolVersion: 5, reconnectPeriod: 0, properties: { sessionExpiryInterval: 600 } });
    await opener.subscribeAsync(topic, { qos: 1 });
    await opener.endAsync();

    processes.push(await startServer(['server', 'webserver'], env), await startServer(['server', 'webserver'], env));
    const [first] = processes as [ServerProcess, ServerProcess];
    const flowId = 'mqtt-readings';
    await createFlow(first.url, flowYaml(flowId, 'tcp://127.0.0.1:1883', clientId, topic));
    const holderId = (await eventually(async () => (await trigger(first.url, flowId)).workerId, 15_000, 50));

    const publisher = await connectAsync(BROKER, { clientId: `${clientId}-publisher`, clean: true, protocolVersion: 5, reconnectPeriod: 0 });
    // Published in steps, so the kill lands while messages are still coming.
    const publishing = (async () => {
      for (let seq = 1; seq <= MESSAGES; seq++) {
        await publisher.publishAsync(topic, JSON.stringify({ seq }), { qos: 1 });
        if (seq % 50 === 0) await new Promise((r) => setTimeout(r, 100));
      }
    })();

    try {
      // Kill the holder once it has started a good part of the messages.
      const holder = processes.find((p) => holderId.split(':')[1] === String(p.child.pid));
      expect(holder, `no started process is the holder ${holderId}`).toBeDefined();
      const survivor = processes.find((p) => p !== holder) as ServerProcess;
      await eventually(async () => ((await executionTotal(survivor.url, flowId)) >= MESSAGES * 0.3 ? true : undefined), 30_000, 20);
      await holder?.stop('SIGKILL');
      const startedAtKill = await executionTotal(survivor.url, flowId);

      // The survivor takes the subscription over once the lease ends (plus a renewal period).
      const takenOver = await eventually(async () => {
        const workerId = (await trigger(survivor.url, flowId)).workerId;
        return workerId !== undefined && workerId !== holderId ? workerId : undefined;
      }, 3 * LEASE_MS + 5000, 50);
      expect(takenOver.split(':')[1]).toBe(String(survivor.child.pid));
      await publishing;

      // None lost: every sequence number has an execution.
      const executions = await eventually(async () => {
        if ((await executionTotal(survivor.url, flowId)) < MESSAGES) return undefined;
        const list = await allExecutions(survivor.url, flowId);
        return new Set(list.map((e) => e.trigger.variables.payload.seq)).size === MESSAGES ? list : undefined;
      }, 40_000, 200);
      const seqs = new Set(executions.map((e) => e.trigger.variables.payload.seq));
      for (let seq = 1; seq <= MESSAGES; seq++) expect(seqs.has(seq), `message ${seq} has no execution`).toBe(true);

      // Duplicates: a message whose execution was stored but whose PUBACK the broker had not
      // read when the holder died is redelivered to the survivor and started again (MQTT has no
      // message id to tell). The broker redelivers only what it had sent and not seen
      // acknowledged, at most its inflight window (BROKER_INFLIGHT), and the host stores at most
      // HOST_IN_FLIGHT emits of one trigger at once (the plugin even takes one message at a
      // time), so a message started twice is one of those: at most their sum, in fact at most
      // BROKER_INFLIGHT. Messages the broker had only queued were never delivered: no duplicate.
      const duplicates = executions.length - MESSAGES;
      console.info(`mqtt-trigger: ${MESSAGES} messages, ${executions.length} executions, ${duplicates} duplicate(s); ${startedAtKill} started when the holder was killed`);
      expect(duplicates).toBeGreaterThanOrEqual(0);
      expect(duplicates).toBeLessThanOrEqual(BROKER_INFLIGHT + HOST_IN_FLIGHT);
      const counts = new Map<number, number>();
      for (const e of executions) counts.set(e.trigger.variables.payload.seq, (counts.get(e.trigger.variables.payload.seq) ?? 0) + 1);
      // A redelivery starts a message twice, never more: there was one kill.
      expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
    } finally {
      await publishing.catch(() => undefined);
      await publisher.endAsync();
    }
  }, 90_000);

  it('keeps serving when the broker refuses the connection at start: the listener retries, the log says why, no secret shows', async () => {
    const server = await startServer(['server', 'standalone']);
    processes.push(server);
    const port = await closedPort();
    const flowId = 'mqtt-refused';
    await createFlow(server.url, flowYaml(flowId, `tcp://user:${suffix}-secret@127.0.0.1:${port}`, `${clientId}-refused`, topic));
    // Two failed attempts (500 ms apart): the listener retries by itself.
    const refused = new RegExp(`cannot connect to MQTT broker tcp://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`);
    await eventually(async () => (server.lines.filter((l) => refused.test(l)).length >= 2 ? true : undefined), 15_000, 100);
    expect(server.child.exitCode).toBeNull();
    expect((await api(server.url, `/api/v1/main/flows/${NAMESPACE}/${flowId}`)).status).toBe(200);
    // The plugin reconnects inside its listener and says so at WARN: the host keeps that as the
    // trigger's last error, so the trigger API says what is wrong, without the password.
    const state = await eventually(async () => {
      const now = await trigger(server.url, flowId);
      return now.lastError && refused.test(now.lastError.message) ? now : undefined;
    }, 15_000, 100);
    expect(state.workerId).toBeDefined();
    expect(JSON.stringify(state)).not.toContain(`${suffix}-secret`);
    expect(server.lines.join('\n')).not.toContain(`${suffix}-secret`);
  }, 30_000);
});
