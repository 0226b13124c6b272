import type * as Nats from 'nats';
import type { AckPolicy, DeliverPolicy } from 'nats';

/** The nats.js module. */
export type NatsModule = typeof Nats;

let loaded: Promise<NatsModule> | undefined;

/**
 * nats.js, imported when a trigger first connects rather than at every server start, where it
 * cost about a tenth of a second and 13 MB for installations with no NATS trigger.
 */
export function loadNats(): Promise<NatsModule> {
  return (loaded ??= import('nats'));
}

// nats.js's policy enums are strings on the wire; naming them here keeps building a consumer's
// config (pure, and tested without a server) from loading the module. `satisfies` fails the
// build if nats.js ever changes one of them.
const DELIVER = {
  All: 'all',
  Last: 'last',
  New: 'new',
  StartSequence: 'by_start_sequence',
  StartTime: 'by_start_time',
  LastPerSubject: 'last_per_subject',
} as const satisfies Record<string, `${DeliverPolicy}`>;
const ACK = { None: 'none', Explicit: 'explicit' } as const satisfies Record<string, `${AckPolicy}`>;

/** nats.js's `DeliverPolicy` values. */
export const deliverPolicy = (name: keyof typeof DELIVER): DeliverPolicy => DELIVER[name] as DeliverPolicy;
/** nats.js's `AckPolicy` values. */
export const ackPolicy = (name: keyof typeof ACK): AckPolicy => ACK[name] as AckPolicy;
