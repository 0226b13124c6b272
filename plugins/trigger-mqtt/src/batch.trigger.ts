import { defineTrigger, parseDuration, redactSecrets, type PropsProblem, type TriggerContext } from '@sluice/core';
import type { IPublishPacket } from 'mqtt';
import { MqttBatchProps, MqttBatchVariables } from './batch.schema.js';
import { mqttBatchExamples } from './batch.examples.js';
import { checkConnection } from './check.js';
import { mqttErrors } from './errors.js';
import { messageVariables, type MqttMessage } from './message.js';
import { resolveConnection, topicList } from './options.js';
import { decodePayload } from './serde.js';
import { loadMqtt } from './mqtt-client.js';

/** The shortest `interval`: a poll opens a connection, and a broker is not to be asked more often. */
export const MIN_INTERVAL_MS = 1000;

/** How long one poll collects: `maxDuration`, never more than `interval`. */
export function collectWindowMs(props: MqttBatchProps): number {
  const interval = parseDuration(props.interval ?? 'PT60S');
  return props.maxDuration === undefined ? interval : Math.min(interval, parseDuration(props.maxDuration));
}

function checkBatch(props: MqttBatchProps): PropsProblem[] {
  const problems = checkConnection(props);
  if (parseDuration(props.interval ?? 'PT60S') < MIN_INTERVAL_MS) problems.push({ path: ['interval'], message: 'interval must be at least PT1S' });
  if (props.maxRecords === undefined && props.maxDuration === undefined) {
    // Kestra's batch consumer without either never ends; Sluice would stop at `interval`, but
    // saying which bound is meant keeps the flow readable where it runs on Kestra too.
    problems.push({ path: ['maxRecords'], message: 'set maxRecords or maxDuration (or both): they bound what one poll collects' });
  }
  return problems;
}

/**
 * Connects once, collects messages until `maxRecords` or the collect window, and disconnects.
 * MQTT.js reads the next message only after acknowledging the current one, so a batch cannot
 * hold its messages unacknowledged: they are acknowledged as they are collected.
 */
async function collect(ctx: TriggerContext, props: MqttBatchProps): Promise<MqttMessage[]> {
  const connection = resolveConnection(props);
  const serdeType = props.serdeType ?? 'JSON';
  const messages: MqttMessage[] = [];
  let full = false;
  // Once the batch is full, a message is left unacknowledged: the broker gives it to the next poll.
  const take = (packet: IPublishPacket, ack: () => void): void => {
    if (full) return;
    const decoded = decodePayload(packet.payload as Uint8Array, serdeType);
    if (!decoded.ok) ctx.reject(mqttErrors.MQTT_DECODE_FAILED(packet.topic, serdeType, decoded.reason).message);
    else messages.push(messageVariables(packet, decoded.value));
    ack();
    if (props.maxRecords !== undefined && messages.length >= props.maxRecords) full = true;
  };
  const { connect } = await loadMqtt();
  const client = connect({
    ...connection.options,
    // MQTT 5 only; QoS 2 is refused with MQTT 3 at save (check.ts).
    customHandleAcks: (_topic, _message, packet, done) => {
      if (packet.qos === 2) take(packet, () => done(0));
      else done(0);
    },
  });
  client.handleMessage = (packet, callback) => {
    if (packet.qos === 2) callback();
    else take(packet, () => callback());
  };
  const v5 = connection.options.protocolVersion === 5;
  try {
    await new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let check: ReturnType<typeof setInterval> | undefined;
      const finish = () => {
        full = true;
        clearTimeout(timer);
        clearInterval(check);
        ctx.signal.removeEventListener('abort', finish);
        resolve();
      };
      const fail = (cause: string) => reject(mqttErrors.MQTT_CONNECTION_FAILED(connection.address.display, redactSecrets(cause, connection.secrets), 0));
      client.on('error', (error) => fail(error.message));
      client.on('close', () => fail('connection closed'));
      client.on('connect', (connack) => {
        ctx.signal.addEventListener('abort', finish, { once: true });
        if (ctx.signal.aborted) finish();
        timer = setTimeout(finish, collectWindowMs(props));
        // Kestra checks its soft limits every 100 ms too.
        check = setInterval(() => full && finish(), 100);
        if (connack.sessionPresent && !v5) return;
        client.subscribe(topicList(props.topic), { qos: props.qos ?? 1, ...(v5 ? { rh: 1 } : {}) }, (error) => {
          if (error) fail(error.message);
        });
      });
    });
  } finally {
    await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
  }
  return messages;
}

/**
 * `io.kestra.plugin.mqtt.Trigger`: every `interval`, starts one execution with the messages
 * received since the last poll.
 * @public
 */
export const mqttBatch = defineTrigger({
  mode: 'poll',
  type: 'io.kestra.plugin.mqtt.Trigger',
  title: 'Start a flow with a batch of MQTT messages',
  description:
    'Every `interval`, connects to the broker in the persistent session named by `clientId`, collects the messages published since the last poll ' +
    '(up to `maxRecords`, for at most `maxDuration`), and starts one execution with them as `trigger.messages` and `trigger.messagesCount`. ' +
    'A poll that collects nothing starts nothing. The broker keeps messages between polls in the session, and those past `maxRecords` for the next poll. ' +
    'Messages are acknowledged as they are collected, so a crash between a poll and the storing of its execution loses that batch: use the RealtimeTrigger where every message counts.',
  props: MqttBatchProps,
  variables: MqttBatchVariables,
  examples: mqttBatchExamples,
  check: checkBatch,
  interval: (props) => parseDuration(props.interval ?? 'PT60S'),
  async poll(ctx, props) {
    const messages = await collect(ctx, props);
    if (messages.length === 0) return { starts: [], cursor: null };
    return { starts: [{ kind: 'start', variables: { messagesCount: messages.length, messages } }], cursor: null };
  },
});
