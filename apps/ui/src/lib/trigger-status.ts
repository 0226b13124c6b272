import type { TriggerStateInfo } from '../api/types.js';

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
    return { label: 'Disabled in the YAML', tone: 'muted', why: `disabled: true in the flow's source, or the flow is disabled${state.apiDisabled ? '; also paused through the API' : ''}` };
  }
  if (state.apiDisabled) {
    return { label: 'Paused', tone: 'warn', why: hasStopAfter ? 'paused through the API, by a person or by stopAfter when an execution ended in a listed state' : 'paused through the API; the YAML is unchanged' };
  }
  return { label: 'Active', tone: 'ok', why: 'runs as the YAML says' };
}
