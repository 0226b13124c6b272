import type { PluginLogger } from '@sluice/core';
import { scheduleExecutionId, schedulesOf, type FlowRevision, type ScheduleSpec, type StoredSchedule } from '@sluice/engine';
import type { ServerContext } from '../server-context.js';

/** How many upcoming ticks a schedule view lists. */
export const NEXT_RUNS = 5;

/** A flow's schedule trigger as the Triggers tab shows it. */
export interface ScheduleView {
  readonly triggerId: string;
  readonly type: string;
  /** True when the clock runs it: the flow and the trigger are enabled and its calendar answers. */
  readonly scheduled: boolean;
  /** Why it is not scheduled. */
  readonly reason?: string;
  /**
   * The next ticks (ISO 8601), from the trigger plugin's `nextDate`: from the clock's pending
   * tick when the clock holds this calendar (a pending tick in the past is due, late), else from now.
   */
  readonly nextRuns: readonly string[];
  /** The last tick the clock delivered, and the execution it started, if it started one. */
  readonly lastTick?: {
    readonly date: string;
    /** Absent when the tick started nothing (the trigger skipped it) or is still being handled. */
    readonly executionId?: string;
    readonly state?: string;
  };
}

/** Reasons schedulesOf gives for a trigger it leaves out, by trigger id (its warning names the trigger). */
function capturingLogger(reasons: Map<string, string>): PluginLogger {
  const keep = (message: string): void => {
    const match = /^schedule trigger '([^']+)' of flow \S+ not scheduled: (.*)$/s.exec(message);
    if (match?.[1] !== undefined && match[2] !== undefined) reasons.set(match[1], match[2]);
  };
  const quiet = (): void => undefined;
  return { log: (level, message) => (level === 'WARN' || level === 'ERROR' ? keep(message) : undefined), trace: quiet, debug: quiet, info: quiet, warn: keep, error: keep };
}

/** Up to `count` ticks of `spec` from `first` on, stopping where the calendar ends or throws. */
function ticksFrom(spec: ScheduleSpec, first: Date | undefined, count: number): string[] {
  const out: string[] = [];
  let at = first;
  try {
    while (at !== undefined && out.length < count) {
      out.push(at.toISOString());
      const next = spec.next(at);
      // A calendar must move forward; one that does not would loop.
      at = next !== undefined && next.getTime() > at.getTime() ? next : undefined;
    }
  } catch {
    // The calendar threw for a later tick: the ticks so far stand.
  }
  return out;
}

/**
 * The schedule triggers of `flow` (every trigger of schedule mode, disabled ones included) with
 * their next ticks and their last delivered one, read from the runtime's clock and executions.
 */
export async function scheduleViewsOf(s: ServerContext, flow: FlowRevision, now = new Date()): Promise<ScheduleView[]> {
  const triggers = flow.triggers.filter((t) => s.registry.trigger(t.type)?.definition.mode === 'schedule');
  if (triggers.length === 0) return [];
  const reasons = new Map<string, string>();
  const specs = new Map(schedulesOf(flow, { registry: s.registry, secrets: s.secrets, logger: capturingLogger(reasons), now }).map((spec) => [spec.triggerId, spec]));
  const stored = new Map<string, StoredSchedule>((await s.runtime.schedules.list()).map((entry) => [entry.id, entry]));
  return Promise.all(
    triggers.map(async (trigger): Promise<ScheduleView> => {
      const type = s.registry.trigger(trigger.type)?.type ?? trigger.type;
      const spec = specs.get(trigger.id);
      const clock = spec ? stored.get(spec.id) : undefined;
      let lastTick: ScheduleView['lastTick'];
      if (spec && clock?.previous) {
        const executionId = scheduleExecutionId(spec.id, clock.previous);
        const execution = await s.runtime.executions.get(executionId);
        lastTick = { date: clock.previous.toISOString(), ...(execution ? { executionId, state: execution.state.current } : {}) };
      }
      if (!spec) {
        const reason = flow.disabled ? 'the flow is disabled' : trigger.disabled ? 'the trigger is disabled' : (reasons.get(trigger.id) ?? 'its calendar has no tick');
        return { triggerId: trigger.id, type, scheduled: false, reason, nextRuns: [] };
      }
      let first: Date | undefined;
      try {
        first = clock && clock.version === spec.version ? clock.next : spec.next(now);
      } catch {
        first = undefined;
      }
      return { triggerId: trigger.id, type, scheduled: true, nextRuns: ticksFrom(spec, first, NEXT_RUNS), ...(lastTick ? { lastTick } : {}) };
    }),
  );
}
