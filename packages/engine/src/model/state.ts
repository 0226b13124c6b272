/**
 * Kestra's execution and task-run states (`State.Type`, 1.x), with its predicates. Keeping
 * Kestra's names means API clients written for Kestra read our states unchanged.
 */
export const STATE_TYPES = [
  'CREATED', 'SUBMITTED', 'RUNNING', 'PAUSED', 'RESTARTED', 'KILLING', 'SUCCESS', 'WARNING', 'FAILED',
  'KILLED', 'CANCELLED', 'QUEUED', 'RETRYING', 'RETRIED', 'SKIPPED', 'BREAKPOINT', 'RESUBMITTED',
] as const;

export type StateType = (typeof STATE_TYPES)[number];

const TERMINATED: ReadonlySet<StateType> = new Set(['FAILED', 'WARNING', 'SUCCESS', 'KILLED', 'CANCELLED', 'RETRIED', 'SKIPPED', 'RESUBMITTED']);
const TERMINATED_NO_FAILURE: ReadonlySet<StateType> = new Set(['WARNING', 'SUCCESS', 'RETRIED', 'SKIPPED', 'RESUBMITTED']);

export function isTerminated(state: StateType): boolean {
  return TERMINATED.has(state);
}

export function isTerminatedWithoutFailure(state: StateType): boolean {
  return TERMINATED_NO_FAILURE.has(state);
}

export function isRunning(state: StateType): boolean {
  return state === 'RUNNING' || state === 'KILLING';
}

export function isCreated(state: StateType): boolean {
  return state === 'CREATED' || state === 'RESTARTED';
}

/** One entry of a state's history. `date` is an ISO-8601 instant. */
export interface StateHistory {
  readonly state: StateType;
  readonly date: string;
}

/**
 * A state as stored: the current value and every transition. The JSON the API returns adds
 * `startDate`, `endDate` and `duration`, computed from the histories (see state-json.ts).
 */
export interface State {
  readonly current: StateType;
  readonly histories: readonly StateHistory[];
}

// One step writes the same instant into several histories (a task run's start and its attempt's,
// its end and its attempt's): its text is made once. An invalid date still throws, as before.
let lastMs = Number.NaN;
let lastIso = '';
const isoOf = (date: Date): string => {
  const ms = date.getTime();
  if (ms !== lastMs) {
    lastIso = date.toISOString();
    lastMs = ms;
  }
  return lastIso;
};

/** A new state with one history entry. */
export function newState(state: StateType = 'CREATED', date: Date = new Date()): State {
  return { current: state, histories: [{ state, date: isoOf(date) }] };
}

/**
 * `state` moved to `next`. Setting the state it already has returns it unchanged, as Kestra's
 * `withState` does, so a transition replayed after a crash adds no history entry.
 */
export function withState(state: State, next: StateType, date: Date = new Date()): State {
  if (state.current === next) return state;
  return { current: next, histories: [...state.histories, { state: next, date: isoOf(date) }] };
}

/** The state JSON of Kestra: current, histories, and the computed dates and duration. */
export interface StateJson {
  readonly current: StateType;
  readonly histories: readonly StateHistory[];
  readonly startDate: string;
  readonly endDate?: string;
  readonly duration?: string;
}

/** When `state` started: its first history's date (the epoch for a state without history). */
export function startDateOf(state: State): string {
  return state.histories[0]?.date ?? new Date(0).toISOString();
}

export function stateToJson(state: State): StateJson {
  const last = state.histories[state.histories.length - 1];
  const startDate = startDateOf(state);
  const ended = isTerminated(state.current) || state.current === 'PAUSED';
  if (!ended || !last) return { current: state.current, histories: state.histories, startDate };
  const ms = Date.parse(last.date) - Date.parse(startDate);
  return { current: state.current, histories: state.histories, startDate, endDate: last.date, duration: isoDuration(ms) };
}

/** Milliseconds as an ISO-8601 duration (`PT1.234S`), the form Kestra's JSON uses. */
export function isoDuration(ms: number): string {
  const total = Math.max(0, ms) / 1000;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = Number((total % 60).toFixed(3));
  return `PT${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds || (!hours && !minutes) ? `${seconds}S` : ''}`;
}
