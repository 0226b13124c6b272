import type { FlowKey, TriggerKey } from '@sluice/engine';

/**
 * Every Redis key and channel of one runtime, in one place (README.md "Key layout").
 *
 * Ids are URI-encoded inside keys, so a ':' or a brace in a tenant, namespace or id can neither
 * collide with the layout nor open a hash tag. Hash tags (`{...}`) group the keys that one
 * command or script touches together, so the layout also works on Redis Cluster:
 * - `{tenant}` for a tenant's flows and its execution index (the flow scripts update both);
 * - `{executionId}` for an execution and its logs;
 * - `{tenant:namespace}` for a namespace's key-value entries and their index;
 * - `{tenant}` also for a trigger's state and the tenant's trigger index (one script writes both);
 * - `{executions}` (the queue's own tag) for the leases of executions, so one script renews all
 *   a worker holds, and a lease can be handled in one script with the queue's keys.
 */
export interface Keys {
  readonly prefix: string;
  /** The BullMQ queue name; the braces keep all of BullMQ's keys in one slot. */
  readonly queueName: string;
  /** Pub/sub channel of `FlowChange` messages (JSON). */
  readonly flowChannel: string;
  /** Pub/sub channel of execution events, one for all executions. */
  readonly eventChannel: string;
  /**
   * Pub/sub channel of the KILLING events alone, also published on {@link eventChannel}: what
   * workers listen to, so they do not receive every execution's events. Always the event channel
   * followed by {@link KILL_CHANNEL_SUFFIX} (the save script derives it so).
   */
  readonly killChannel: string;
  /** Hash of one flow: `latest`, `deleted`, `source` and one `r:<n>` field per revision. */
  flow(key: FlowKey): string;
  /** Set of the live flows of a tenant, members from {@link flowMember}. */
  flowIndex(tenantId: string): string;
  /** Member of {@link flowIndex} for a flow. */
  flowMember(namespace: string, id: string): string;
  /** Hash of a tenant's flow changes: `n` (revisions written) and `epoch` (set by the first). */
  flowVersion(tenantId: string): string;
  /** String: the execution's JSON. */
  execution(id: string): string;
  /** List: the execution's log entries as JSON, oldest first. */
  executionLogs(id: string): string;
  /** Sorted set: execution ids of a tenant scored by creation time (ms). */
  executionIndex(tenantId: string): string;
  /** Hash: execution id → `[namespace, flowId, state]`, what search filters on. */
  executionMeta(tenantId: string): string;
  /** String: a login session's JSON, under the id the host derived from its token (TTL). */
  session(id: string): string;
  /** String: one key-value entry's JSON, expiring with the entry (PXAT). */
  kv(tenantId: string, namespace: string, key: string): string;
  /** Set: the keys of a namespace's key-value entries; members whose entry expired are dropped when listed. */
  kvIndex(tenantId: string, namespace: string): string;
  /** Hash: one trigger's state and lease, one field per part (see trigger-state-repository.ts). */
  trigger(key: TriggerKey): string;
  /** Sorted set (all scores 0, so in lexical order): a tenant's triggers with state, members from {@link triggerMember}. */
  triggerIndex(tenantId: string): string;
  /** Member of {@link triggerIndex} for a trigger. */
  triggerMember(key: TriggerKey): string;
  /**
   * String: the token of the consumer running a job of the execution (see execution-lease.ts),
   * expiring unless renewed. In the queue's hash slot (`{executions}`), beside BullMQ's keys.
   */
  executionLease(id: string): string;
  /** Set: ids of the delayed jobs waiting for {@link executionLease} to be let go (TTL). Same slot. */
  executionLeaseWaiters(id: string): string;
  /** String: a Flow trigger's window of preconditions, as JSON, changed by compare-and-set (same hash tag as {@link trigger}). */
  triggerWindow(key: TriggerKey): string;
  /**
   * The four keys of a flow's `concurrency` slots, under one hash tag per flow (one script touches
   * them together): `running` hash (execution id → '' once its job confirmed the slot, else the
   * epoch ms it joined the line), `line` sorted set (execution ids scored by arrival), `entries`
   * hash (execution id in line → `<limit>:<epoch ms>`), `seq` counter (the arrival scores).
   */
  concurrency(flow: FlowKey): readonly [running: string, line: string, entries: string, seq: string];
}

/** What the kill channel adds to the event channel's name (see {@link Keys.killChannel}). */
export const KILL_CHANNEL_SUFFIX = ':kills';

const enc = encodeURIComponent;

/** The key layout under `prefix`. */
export function createKeys(prefix: string): Keys {
  return {
    prefix,
    queueName: '{executions}',
    flowChannel: `${prefix}:flows:changes`,
    eventChannel: `${prefix}:executions:events`,
    killChannel: `${prefix}:executions:events${KILL_CHANNEL_SUFFIX}`,
    flow: (key) => `${prefix}:flow:{${enc(key.tenantId)}}:${enc(key.namespace)}:${enc(key.id)}`,
    flowIndex: (tenantId) => `${prefix}:flows:{${enc(tenantId)}}`,
    flowMember: (namespace, id) => JSON.stringify([namespace, id]),
    flowVersion: (tenantId) => `${prefix}:flows:{${enc(tenantId)}}:version`,
    execution: (id) => `${prefix}:execution:{${enc(id)}}`,
    executionLogs: (id) => `${prefix}:execution:{${enc(id)}}:logs`,
    executionIndex: (tenantId) => `${prefix}:executions:{${enc(tenantId)}}:created`,
    executionMeta: (tenantId) => `${prefix}:executions:{${enc(tenantId)}}:meta`,
    session: (id) => `${prefix}:session:${enc(id)}`,
    // One hash tag per namespace: an entry and its namespace's index are written by one script.
    kv: (tenantId, namespace, key) => `${prefix}:kv:{${enc(tenantId)}:${enc(namespace)}}:${enc(key)}`,
    kvIndex: (tenantId, namespace) => `${prefix}:kv:{${enc(tenantId)}:${enc(namespace)}}`,
    trigger: (key) => `${prefix}:trigger:{${enc(key.tenantId)}}:${enc(key.namespace)}:${enc(key.flowId)}:${enc(key.triggerId)}`,
    triggerIndex: (tenantId) => `${prefix}:triggers:{${enc(tenantId)}}`,
    triggerMember: (key) => JSON.stringify([key.namespace, key.flowId, key.triggerId]),
    concurrency: (flow) => {
      const base = `${prefix}:concurrency:{${enc(flow.tenantId)}:${enc(flow.namespace)}:${enc(flow.id)}}`;
      return [`${base}:running`, `${base}:line`, `${base}:entries`, `${base}:seq`];
    },
    executionLease: (id) => `${prefix}:lease:{executions}:${enc(id)}`,
    executionLeaseWaiters: (id) => `${prefix}:lease-waiters:{executions}:${enc(id)}`,
    triggerWindow: (key) => `${prefix}:trigger-window:{${enc(key.tenantId)}}:${enc(key.namespace)}:${enc(key.flowId)}:${enc(key.triggerId)}`,
  };
}
