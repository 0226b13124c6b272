import type { PluginLogger, ScheduleTrigger, TObject, TSchema } from '@sluice/core';
import type { FlowRevision } from '../flow/flow.types.js';
import type { PluginRegistry } from '../plugins/index.js';
import type { ScheduleSpec } from '../ports/ports.js';
import type { SecretProvider } from '../secrets/index.js';
import { silentLogger } from '../webhook/loggers.js';
import { fingerprint, scheduleIdOf } from './ids.js';
import { triggerScope } from '../triggers/trigger-scope.js';

/** What {@link schedulesOf} needs besides the flow. */
export interface SchedulesOfOptions {
  readonly registry: PluginRegistry;
  readonly secrets: SecretProvider;
  /** Where a schedule that cannot be built is reported (its props failed, its calendar threw). */
  readonly logger?: PluginLogger;
  /** The clock used to check that a calendar answers; the real one by default. */
  readonly now?: Date;
}

/**
 * The schedules a flow asks the host's clock for: one per enabled schedule-mode trigger of a
 * live, enabled flow (a disabled or deleted flow has none). Each spec's `next` is the trigger
 * plugin's `nextDate` with the trigger's prepared props; its `version` is a fingerprint of the
 * trigger's type and props as written, so saving a flow whose triggers did not change keeps
 * their chains of ticks as they are.
 *
 * A trigger whose props fail to prepare, or whose calendar throws, gets no schedule and one
 * warning naming where it failed.
 */
export function schedulesOf(flow: FlowRevision, options: SchedulesOfOptions): ScheduleSpec[] {
  if (flow.disabled || flow.deleted) return [];
  const logger = options.logger ?? silentLogger;
  const specs: ScheduleSpec[] = [];
  for (const trigger of flow.triggers) {
    if (trigger.disabled) continue;
    const entry = options.registry.trigger(trigger.type);
    if (!entry || entry.definition.mode !== 'schedule') continue;
    const definition = entry.definition as ScheduleTrigger<TObject, TSchema>;
    const where = `schedule trigger '${trigger.id}' of flow ${flow.namespace}.${flow.id}`;
    const prepared = triggerScope({ flow, trigger, entry, secrets: options.secrets, logger, ...(options.now ? { now: options.now } : {}) });
    if (!prepared.ok) {
      logger.warn(`${where} not scheduled: its properties are invalid (${prepared.errors.map((e) => e.path || e.message).join(', ')})`);
      continue;
    }
    const props = prepared.scope.props;
    const next = (after: Date): Date | undefined => definition.nextDate(props, after);
    try {
      next(options.now ?? new Date());
    } catch (error) {
      logger.warn(`${where} not scheduled: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const flowKey = { tenantId: flow.tenantId, namespace: flow.namespace, id: flow.id };
    specs.push({
      id: scheduleIdOf(flowKey, trigger.id),
      flowKey,
      triggerId: trigger.id,
      revision: flow.revision,
      version: fingerprint({ type: entry.type, props: trigger.props }),
      next,
    });
  }
  return specs;
}
