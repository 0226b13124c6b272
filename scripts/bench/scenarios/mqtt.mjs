// Executions started per second from MQTT messages (io.kestra.plugin.mqtt.RealtimeTrigger on the
// local Mosquitto) next to the same flow started by its webhook, on one `sluice server
// standalone` with the default embedded runtime (SQLite). "Started" means stored and queued: a
// message counts once the trigger API's `executions` counter took it (the host counts it after
// storing, just before the PUBACK), a webhook call once it answered 200 (it answers after
// storing). The executions also run in the same process, on both sides alike.
//
// A round publishes BENCH_MQTT_MESSAGES QoS 1 messages (a window of 100 unacknowledged
// publishes, far faster than the trigger consumes) and times from the first publish to the
// counter reaching them all; the webhook round sends as many calls, BENCH_CONNECTIONS at once,
// and times from the first call to the last answer. The listener takes one message at a time
// (it acknowledges each only after its execution is stored), so a second webhook row sends one
// call at a time, the like-for-like comparison. Every wait is bounded by BENCH_DRAIN_TIMEOUT_MS.
//   BENCH_MQTT_MESSAGES=900 (at most 1000: Mosquitto's default max_queued_messages per session)
//   BENCH_MQTT_ROUNDS=3 BENCH_MQTT_BROKER=mqtt://127.0.0.1:1883
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flowsFolder, seedCopy, webhookKeyOf } from '../lib/flows.mjs';
import { interleaved, median, round } from '../lib/measure.mjs';
import { loadMqtt } from '../lib/modules.mjs';
import { startSluiceEmbedded, withStacks } from '../lib/stacks.mjs';

const int = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
/** The seed flow's namespace. */
const NAMESPACE = 'company.team';
const FLOW_ID = 'mqtt_rate';

/** The seed flow (a Log task, a webhook) under its own id and key, with the MQTT trigger added. */
function flowYaml(seed, { key, clientId, topic, broker }) {
  const copy = seedCopy(seed, FLOW_ID, key);
  if (!/\ntriggers:\n(?: .*\n)+$/.test(`${copy.trimEnd()}\n`)) throw new Error('mqtt: the seed flow no longer ends with its triggers');
  return `${copy.trimEnd()}
  - id: mqtt
    type: io.kestra.plugin.mqtt.RealtimeTrigger
    server: ${broker.replace(/^mqtt:/, 'tcp:')}
    clientId: ${clientId}
    topic: ${topic}
    qos: 1
`;
}

/** Resolves once `check` gives a value, polling every `everyMs`; throws past `timeoutMs`. */
async function until(what, check, timeoutMs, everyMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`mqtt: ${what} not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Publishes `count` QoS 1 messages with at most `window` unacknowledged at once. */
async function publishAll(client, topic, count, window = 100) {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const seq = next++;
      await client.publishAsync(topic, JSON.stringify({ seq }), { qos: 1 });
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
}

/** One POST on `agent`; resolves to its status. */
function post(url, agent, timeoutMs) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms: POST ${url}`)));
    req.on('error', reject);
    req.end('{"event":"bench"}');
  });
}

/** Sends `count` webhook calls, `concurrency` at once on kept-alive sockets; returns how many answered 200. */
async function callAll(url, count, concurrency, timeoutMs) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let ok = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      if ((await post(url, agent, timeoutMs)) === 200) ok++;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  } finally {
    agent.destroy();
  }
  return ok;
}

export default {
  name: 'mqtt',
  title: 'Executions started per second: MQTT RealtimeTrigger vs the same flow by webhook (standalone, SQLite)',
  async run(ctx) {
    const mqtt = loadMqtt();
    const messages = Math.min(1000, int('BENCH_MQTT_MESSAGES', 900));
    const rounds = int('BENCH_MQTT_ROUNDS', 3);
    const broker = process.env.BENCH_MQTT_BROKER ?? 'mqtt://127.0.0.1:1883';
    const { connections, drainTimeoutMs, pollMs } = ctx.config;
    const suffix = randomBytes(4).toString('hex');
    const clientId = `sluice-bench-mqtt-${suffix}`;
    const topic = `sluice-bench/${suffix}/events`;
    const key = webhookKeyOf(FLOW_ID);
    const flowsDir = flowsFolder(ctx, 'mqtt');
    writeFileSync(join(flowsDir, `${NAMESPACE}.${FLOW_ID}.yaml`), flowYaml(ctx.seedFlow, { key, clientId, topic, broker }));

    // The trigger's persistent session exists before the server subscribes: no message of a
    // round can be published before the broker keeps them for it.
    const opener = await mqtt.connectAsync(broker, { clientId, clean: false, protocolVersion: 5, reconnectPeriod: 0, properties: { sessionExpiryInterval: 3600 } });
    await opener.subscribeAsync(topic, { qos: 1 });
    await opener.endAsync();
    const publisher = await mqtt.connectAsync(broker, { clientId: `${clientId}-publisher`, clean: true, protocolVersion: 5, reconnectPeriod: 0 });

    const problems = [];
    try {
      const { value: results, stopped } = await withStacks(ctx, 'mqtt', [() => startSluiceEmbedded(ctx, 'mqtt', { flowsDir, hooks: [{ flowId: FLOW_ID, key }] })], async ([stack]) => {
        const triggerState = () => stack.api(`/triggers/${NAMESPACE}/${FLOW_ID}/mqtt`);
        await until('the MQTT trigger held', async () => ((await triggerState()).workerId ? true : undefined), 30_000, pollMs);
        const hookUrl = `${stack.url}/api/v1/main/executions/webhook/${NAMESPACE}/${FLOW_ID}/${key}`;
        const sides = [
          { id: 'mqtt', label: 'MQTT RealtimeTrigger, QoS 1' },
          { id: 'webhook', label: `webhook, ${connections} calls at once` },
          { id: 'webhook-1', label: 'webhook, one call at a time' },
        ];
        const measure = async (side) => {
          const cpuBefore = stack.cpuMs();
          const started = Date.now();
          let done;
          if (side.id === 'mqtt') {
            const before = (await triggerState()).executions;
            await publishAll(publisher, topic, messages);
            done = await until('the messages started', async () => {
              const n = (await triggerState()).executions - before;
              return n >= messages ? n : undefined;
            }, drainTimeoutMs, pollMs);
          } else {
            done = await callAll(hookUrl, messages, side.id === 'webhook' ? connections : 1, drainTimeoutMs);
            if (done !== messages) problems.push(`${side.label}: ${messages - done} calls did not answer 200`);
          }
          const ms = Date.now() - started;
          return { started: done, ms, rate: (done * 1000) / ms, cpuMsPerOp: (stack.cpuMs() - cpuBefore) / done };
        };
        // Warm-up: one short pass of each side, not counted.
        for (const side of sides) await measure(side);
        return interleaved(ctx, 'mqtt', sides.map((s) => ({ ...s })), rounds, measure);
      });
      const sideOf = (id, label) => {
        const list = results[id];
        return { label, value: round(median(list.map((r) => r.rate)), 1), cpuMsPerOp: round(median(list.map((r) => r.cpuMsPerOp)), 3), rounds: list.map((r) => ({ rate: round(r.rate, 1), ms: r.ms, started: r.started, cpuMsPerOp: round(r.cpuMsPerOp, 3) })), peakRssMb: stopped['sluice-embedded']?.peakRssMb };
      };
      const mqttSide = sideOf('mqtt', 'MQTT RealtimeTrigger, QoS 1');
      const row = (id, label) => {
        const baseline = sideOf(id, label);
        const ratios = mqttSide.rounds.map((r, i) => r.rate / baseline.rounds[i].rate);
        return {
          scenario: `mqtt vs ${id}`, runtime: 'sqlite', unit: 'exec started/s', sluice: mqttSide, baseline,
          ratio: round(median(ratios), 3), ratioOfMedians: round(mqttSide.value / baseline.value, 3),
          details: { messages, rounds, connections: id === 'webhook' ? connections : 1 },
          problems: problems.filter((p) => p.startsWith(label)),
        };
      };
      return [row('webhook', `webhook, ${connections} calls at once`), row('webhook-1', 'webhook, one call at a time')];
    } finally {
      await publisher.endAsync();
      // Drop the trigger's persistent session from the broker.
      const dropper = await mqtt.connectAsync(broker, { clientId, clean: true, protocolVersion: 5, reconnectPeriod: 0 });
      await dropper.endAsync();
    }
  },
};
