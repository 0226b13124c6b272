import type { TriggerIds } from '@sluice/core';
import type { ConnectionOptions, ConsumerConfig, DeliverPolicy } from 'nats';
import { ackPolicy, deliverPolicy, type NatsModule } from './nats-module.js';
import { parseNatsUrl } from './server.js';

/** The connection and consumer props, as the host renders them. */
export interface NatsProps {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly token?: string;
  readonly creds?: string;
  readonly subject: string;
  readonly durableId?: string;
  readonly since?: string;
  readonly deliverPolicy?: 'All' | 'Last' | 'New' | 'ByStartSequence' | 'ByStartTime' | 'LastPerSubject';
  readonly batchSize?: number;
}

/** nats.js options, where to say we are, and what never to show. */
export interface ResolvedNats {
  readonly options: ConnectionOptions;
  /** `host:port`, safe to log. */
  readonly display: string;
  /** Values to redact from any message. */
  readonly secrets: readonly string[];
}

/**
 * nats.js options for the props. The first connection is made by the caller's loop, with its
 * own backoff; once connected, nats.js reconnects by itself, without limit.
 */
export function resolveNats(props: NatsProps, nats: Pick<NatsModule, 'credsAuthenticator'>): ResolvedNats {
  const address = parseNatsUrl(props.url);
  const user = props.username ?? address.user;
  const pass = props.password ?? address.pass;
  const token = props.token ?? address.token;
  const options: ConnectionOptions = {
    servers: address.server,
    name: 'sluice-trigger',
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    waitOnFirstConnect: false,
    ...(user === undefined ? {} : { user }),
    ...(pass === undefined ? {} : { pass }),
    ...(token === undefined ? {} : { token }),
    ...(props.creds === undefined ? {} : { authenticator: nats.credsAuthenticator(new TextEncoder().encode(props.creds)) }),
    ...(address.tls ? { tls: {} } : {}),
  };
  const secrets = [pass, token, props.creds].filter((s): s is string => s !== undefined && s !== '');
  return { options, display: address.server, secrets };
}

const POLICIES = {
  All: deliverPolicy('All'),
  Last: deliverPolicy('Last'),
  New: deliverPolicy('New'),
  ByStartSequence: deliverPolicy('StartSequence'),
  ByStartTime: deliverPolicy('StartTime'),
  LastPerSubject: deliverPolicy('LastPerSubject'),
} as const;

/** JetStream names may not hold `.`, `*`, `>` or white space. */
export function consumerName(props: Pick<NatsProps, 'durableId'>, ids: TriggerIds): string {
  return props.durableId ?? `sluice_${ids.namespace}_${ids.flowId}_${ids.triggerId}`.replace(/[.*>\s]/g, '_');
}

/**
 * How long JetStream waits for an acknowledgement before redelivering; the trigger says "still
 * working" at a third of it, so a slow store is safe. Short, because it is also how long a
 * message JetStream handed to a listener that has since stopped waits before coming back.
 */
export const ACK_WAIT_MS = 10_000;

/** Where a new consumer starts, from `deliverPolicy` and `since` (which alone means `ByStartTime`). */
export function startPolicy(props: Pick<NatsProps, 'deliverPolicy' | 'since'>): { deliver_policy: DeliverPolicy; opt_start_time?: string } {
  const policy = props.deliverPolicy ?? (props.since === undefined ? 'All' : 'ByStartTime');
  return {
    deliver_policy: POLICIES[policy],
    ...(policy === 'ByStartTime' && props.since !== undefined ? { opt_start_time: new Date(props.since).toISOString() } : {}),
  };
}

/**
 * The durable consumer: explicit acknowledgements, at most `batchSize` unacknowledged messages
 * (JetStream stops delivering beyond that, which is the backpressure), filtered on the subject.
 */
export function consumerConfig(props: NatsProps, name: string): Partial<ConsumerConfig> {
  return {
    durable_name: name,
    ack_policy: ackPolicy('Explicit'),
    ack_wait: ACK_WAIT_MS * 1_000_000,
    max_ack_pending: props.batchSize ?? 10,
    filter_subject: props.subject,
    ...startPolicy(props),
  };
}
