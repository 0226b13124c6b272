import type { TriggerStateInfo } from '../api/types.js';

/** How often a page showing trigger states reads them again. */
export const TRIGGER_REFRESH_MS = 5000;

/** What a person reads of a trigger's on/off state, and why. */
export interface TriggerStatus {
  readonly label: 'Active' | 'Paused' | 'Disabled in the YAML';
  readonly tone: 'ok' | 'warn' | 'muted';
  readonly why: string;
}

/**
 * The YAML's `disabled` wins over the API flag in what the badge says, because resuming does not
 * run a trigger the YAML disables; the API flag is named as a pause, which `stopAfter` sets too.
 */
export function triggerStatus(state: TriggerStateInfo, hasStopAfter: boolean): TriggerStatus {
  if (state.sourceDisabled) {
    return { label: 'Disabled in the YAML', tone: 'muted', why: `The YAML says disabled: true, or the whole flow is disabled${state.apiDisabled ? '; also paused through the API' : ''}` };
  }
  if (state.apiDisabled) {
    return { label: 'Paused', tone: 'warn', why: hasStopAfter ? 'Paused through the API, by a person or by stopAfter when an execution ended in a listed state' : 'Paused through the API; the YAML is unchanged' };
  }
  return { label: 'Active', tone: 'ok', why: 'Runs as the YAML says' };
}
