import type { TriggerStateInfo } from '../api/types.js';

/** How often a page showing trigger states reads them again. */
export const TRIGGER_REFRESH_MS = 5000;

/** What a person reads of a trigger's on/off state, and why. */
export interface TriggerStatus {
  readonly label: 'Active' | 'Paused' | 'Stopped by stopAfter' | 'Disabled in the YAML';
  readonly tone: 'ok' | 'warn' | 'muted';
  readonly why: string;
}

/**
 * The YAML's `disabled` wins over the API flag in what the badge says, because resuming does not
 * run a trigger the YAML disables. The API flag is a pause by a person, or a stop by `stopAfter`,
 * as the state's `disabledBy` says (states paused before it was kept say neither).
 */
export function triggerStatus(state: TriggerStateInfo, hasStopAfter: boolean): TriggerStatus {
  if (state.sourceDisabled) {
    return { label: 'Disabled in the YAML', tone: 'muted', why: `The YAML says disabled: true, or the whole flow is disabled${state.apiDisabled ? '; also paused through the API' : ''}` };
  }
  const by = state.disabledBy;
  if (state.apiDisabled && by?.kind === 'stopAfter') {
    const what = by.executionId ? `execution ${by.executionId} ended ${by.state ?? 'in a state'} listed in its stopAfter` : 'an execution ended in a state listed in its stopAfter';
    return { label: 'Stopped by stopAfter', tone: 'warn', why: `Stopped by stopAfter: ${what}; resume it to run it again` };
  }
  if (state.apiDisabled && by?.kind === 'api') {
    return { label: 'Paused', tone: 'warn', why: `Paused through the API by ${by.user ?? 'a person'}; the YAML is unchanged` };
  }
  if (state.apiDisabled) {
    return { label: 'Paused', tone: 'warn', why: hasStopAfter ? 'Paused through the API, by a person or by stopAfter when an execution ended in a listed state' : 'Paused through the API; the YAML is unchanged' };
  }
  return { label: 'Active', tone: 'ok', why: 'Runs as the YAML says' };
}
