import type { FlowRevision, TriggerDisabledBy, TriggerState } from '@sluice/engine';
import { scheduleViewsOf, type ScheduleView } from '../schedule/schedule-view.js';
import type { ServerContext } from '../server-context.js';

/**
 * One trigger of a flow as the trigger API shows it, whatever its mode: Kestra's trigger context
 * fields where they mean the same (`workerId`, `date`, `nextExecutionDate`, `executionId`,
 * `updatedDate`, `disabled`), plus what Sluice keeps beyond them (why it is disabled, the last
 * error, counts).
 */
export interface TriggerView {
  readonly tenantId: string;
  readonly namespace: string;
  readonly flowId: string;
  readonly triggerId: string;
  /** The canonical type string (the one written when the plugin is not loaded). */
  readonly type: string;
  /** How the host drives it: `webhook`, `schedule`, `poll`, `listen`; absent when its plugin is not loaded. */
  readonly mode?: string;
  /** True when the host does not run it: disabled in the flow's YAML, through this API, or its flow is. */
  readonly disabled: boolean;
  /** `disabled: true` in the flow's source, or the flow itself disabled. */
  readonly sourceDisabled: boolean;
  /** Disabled through this API; kept across flow updates until enabled again. */
  readonly apiDisabled: boolean;
  /** The process running it now (poll and listen: the lease holder while its lease is live). */
  readonly workerId?: string;
  /** Until when that process holds it unless it renews its lease (ISO 8601). */
  readonly leaseUntil?: string;
  /** The last poll, the last message received, or the last webhook request that started an execution (ISO 8601). */
  readonly date?: string;
  /** The next poll, or for a schedule its next tick (ISO 8601). */
  readonly nextExecutionDate?: string;
  /** The last execution it started. */
  readonly executionId?: string;
  /** The last error, until it runs well again. */
  readonly lastError?: { readonly message: string; readonly date: string };
  /** Executions it started (poll, listen and webhook; a webhook's about a second late) and errors it met (poll and listen). */
  readonly executions: number;
  readonly errors: number;
  /** Events it received but could not turn into an execution: messages that do not decode (poll and listen). */
  readonly undecodable: number;
  /** Who disabled it, while disabled through the API or by `stopAfter`: `api` (a person) or `stopAfter`, with the user or the execution. */
  readonly disabledBy?: { readonly kind: 'api' | 'stopAfter'; readonly user?: string; readonly executionId?: string; readonly state?: string; readonly date: string };
  /** When its state last changed (ISO 8601). */
  readonly updatedDate?: string;
  /** Schedule triggers: the schedule view (next ticks, last tick and its execution). */
  readonly schedule?: ScheduleView;
}

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

function disabledByView(by: TriggerDisabledBy): NonNullable<TriggerView['disabledBy']> {
  const { at, ...rest } = by;
  return { ...rest, date: new Date(at).toISOString() };
}

/** The views of every trigger of `flow`, from its source, the trigger states and the schedule clock. */
export async function triggerViewsOf(s: ServerContext, flow: FlowRevision, states?: ReadonlyMap<string, TriggerState>): Promise<TriggerView[]> {
  if (flow.triggers.length === 0) return [];
  const known = states ?? new Map((await s.runtime.triggers.list(flow.tenantId, { namespace: flow.namespace, flowId: flow.id }))
    .filter((state) => state.key.namespace === flow.namespace)
    .map((state) => [state.key.triggerId, state]));
  const schedules = flow.triggers.some((t) => s.registry.trigger(t.type)?.definition.mode === 'schedule')
    ? new Map((await scheduleViewsOf(s, flow)).map((view) => [view.triggerId, view]))
    : new Map<string, ScheduleView>();
  const now = Date.now();
  return flow.triggers.map((trigger): TriggerView => {
    const entry = s.registry.trigger(trigger.type);
    const state = known.get(trigger.id);
    const schedule = schedules.get(trigger.id);
    const sourceDisabled = flow.disabled || trigger.disabled;
    const apiDisabled = state?.disabled ?? false;
    const leased = state?.holder !== undefined && (state.leaseUntil ?? 0) > now;
    const next = entry?.definition.mode === 'schedule' ? schedule?.nextRuns[0] : iso(state?.nextPollAt);
    return {
      tenantId: flow.tenantId, namespace: flow.namespace, flowId: flow.id, triggerId: trigger.id,
      type: entry?.type ?? trigger.type,
      ...(entry ? { mode: entry.definition.mode } : {}),
      disabled: sourceDisabled || apiDisabled, sourceDisabled, apiDisabled,
      ...(leased ? { workerId: state.holder, leaseUntil: iso(state.leaseUntil) } : {}),
      ...(state?.lastEvaluatedAt !== undefined ? { date: iso(state.lastEvaluatedAt) } : schedule?.lastTick ? { date: schedule.lastTick.date } : {}),
      ...(next && !(sourceDisabled || apiDisabled) ? { nextExecutionDate: next } : {}),
      ...(state?.lastExecutionId ? { executionId: state.lastExecutionId } : schedule?.lastTick?.executionId ? { executionId: schedule.lastTick.executionId } : {}),
      ...(state?.lastError ? { lastError: { message: state.lastError.message, date: new Date(state.lastError.at).toISOString() } } : {}),
      executions: state?.executions ?? 0,
      errors: state?.errors ?? 0,
      undecodable: state?.rejected ?? 0,
      ...(apiDisabled && state?.disabledBy ? { disabledBy: disabledByView(state.disabledBy) } : {}),
      ...(state ? { updatedDate: iso(state.updatedAt) } : {}),
      ...(schedule ? { schedule } : {}),
    };
  });
}

