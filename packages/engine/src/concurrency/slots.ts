import type { FlowSlots, PromotedSlot, SlotAdmission, SlotRelease, SlotRequest } from '../ports/ports.js';

/** One execution waiting in a flow's line. */
export interface QueuedSlot {
  readonly executionId: string;
  /** The limit of the revision it was created under: it is promoted when fewer hold a slot. */
  readonly limit: number;
  /** Epoch ms it joined the line. */
  readonly queuedAt: number;
}

/**
 * A flow's slots as a runtime stores them (memory and SQLite keep this value; Redis keeps the
 * same in a hash and a sorted set, and its Lua script follows the same rules).
 */
export interface StoredFlowSlots {
  /** Executions holding a slot: `null` once its job confirmed it, else the `queuedAt` of a promotion not yet confirmed. */
  readonly running: Readonly<Record<string, number | null>>;
  /** Executions waiting, oldest first. */
  readonly queue: readonly QueuedSlot[];
}

/** What a step did: the value to store (when `changed`) and the answer. */
export interface SlotStep<A> {
  readonly slots: StoredFlowSlots;
  readonly changed: boolean;
  readonly answer: A;
}

const EMPTY: StoredFlowSlots = { running: {}, queue: [] };

/** Moves the oldest entries of the line into free slots, each under its own limit, never past an older one. */
function promote(slots: StoredFlowSlots): StoredFlowSlots {
  let running = slots.running;
  let held = Object.keys(running).length;
  let taken = 0;
  for (const head of slots.queue) {
    if (held >= head.limit) break;
    running = { ...running, [head.executionId]: head.queuedAt };
    held++;
    taken++;
  }
  return taken === 0 ? slots : { running, queue: slots.queue.slice(taken) };
}

/** Promotions not yet confirmed by their execution's job, `except` one. */
function pending(slots: StoredFlowSlots, except?: string): PromotedSlot[] {
  const found: PromotedSlot[] = [];
  for (const [executionId, queuedAt] of Object.entries(slots.running)) {
    if (queuedAt !== null && executionId !== except) found.push({ executionId, queuedAt });
  }
  return found.sort((a, b) => a.queuedAt - b.queuedAt || (a.executionId < b.executionId ? -1 : 1));
}

/**
 * {@link ConcurrencyLimits.acquire}'s rules. The line is served first (a slot freed while its
 * caller crashed is given out now), then: a slot held is confirmed; a place in line is kept; a
 * newcomer gets a free slot only when nobody waits (arrival order), else joins the line with
 * `queue`, else is refused. Asking again answers alike and changes nothing.
 */
export function applyAcquire(stored: StoredFlowSlots | undefined, executionId: string, request: SlotRequest): SlotStep<SlotAdmission> {
  const before = stored ?? EMPTY;
  let slots = promote(before);
  const held = (): number => Object.keys(slots.running).length - (executionId in slots.running ? 1 : 0);
  let outcome: SlotAdmission['outcome'];
  if (executionId in slots.running) {
    if (slots.running[executionId] !== null) slots = { ...slots, running: { ...slots.running, [executionId]: null } };
    outcome = 'running';
  } else if (slots.queue.some((entry) => entry.executionId === executionId)) {
    outcome = 'queued';
  } else if (held() < request.limit && (slots.queue.length === 0 || !request.queue)) {
    slots = { ...slots, running: { ...slots.running, [executionId]: null } };
    outcome = 'running';
  } else if (request.queue) {
    slots = { ...slots, queue: [...slots.queue, { executionId, limit: request.limit, queuedAt: request.at }] };
    outcome = 'queued';
  } else {
    outcome = 'refused';
  }
  return { slots, changed: slots !== before, answer: { outcome, running: held(), promoted: pending(slots, executionId) } };
}

/** {@link ConcurrencyLimits.release}'s rules: the slot or the place in line goes, then the line is served. */
export function applyRelease(stored: StoredFlowSlots | undefined, executionId: string): SlotStep<SlotRelease> {
  const before = stored ?? EMPTY;
  let slots = before;
  let released = false;
  if (executionId in slots.running) {
    const { [executionId]: _gone, ...running } = slots.running;
    slots = { ...slots, running };
    released = true;
  } else if (slots.queue.some((entry) => entry.executionId === executionId)) {
    slots = { ...slots, queue: slots.queue.filter((entry) => entry.executionId !== executionId) };
    released = true;
  }
  slots = promote(slots);
  return { slots, changed: slots !== before, answer: { released, promoted: pending(slots) } };
}

/** The ids of a stored value, as {@link ConcurrencyLimits.slots} answers. */
export function slotsOf(stored: StoredFlowSlots | undefined): FlowSlots {
  const slots = stored ?? EMPTY;
  return { running: Object.keys(slots.running), queued: slots.queue.map((entry) => entry.executionId) };
}

/** True when the value holds nothing (a runtime may delete it). */
export function slotsEmpty(slots: StoredFlowSlots): boolean {
  return slots.queue.length === 0 && Object.keys(slots.running).length === 0;
}
