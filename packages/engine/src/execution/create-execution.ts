import type { FlowRevision } from '../flow/flow.types.js';
import { engineErrors } from '../errors.js';
import type { Execution, ExecutionTrigger, Label } from '../model/execution.js';
import { newId } from '../model/ids.js';
import { newState } from '../model/state.js';
import { readInputs } from './inputs.js';
import { executionLabels } from './labels.js';

/** What starts an execution; every start (webhook, API, schedule) goes through it. */
export interface CreateExecutionInput {
  /** The flow revision the execution runs; it keeps pointing at it after later saves. */
  readonly flow: FlowRevision;
  /** What started it: `{id, type, variables}`; absent for API starts. */
  readonly trigger?: ExecutionTrigger;
  /** Raw input values, validated and coerced against `flow.inputs` here. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  /** Labels added beside the flow's and the trigger's. */
  readonly labels?: readonly Label[];
  /** `system.from`; `trigger` when a trigger is given, `api` otherwise. */
  readonly from?: 'trigger' | 'api' | 'schedule';
  /** The creation instant; the clock by default. */
  readonly now?: Date;
  /** The execution's id; a new random one by default. A schedule derives it from its tick. */
  readonly id?: string;
}

/**
 * A new execution in state CREATED, not yet stored: the caller persists it, then queues it.
 *
 * Throws `EXECUTION_INPUTS_INVALID` whose `details.errors` lists every bad input as
 * `{ path: 'inputs.<id>', message }`.
 */
export function createExecution(input: CreateExecutionInput): Execution {
  const { flow } = input;
  const read = readInputs(flow.inputs, input.inputs);
  if (!read.ok) throw engineErrors.EXECUTION_INPUTS_INVALID(read.errors.length, { details: { errors: read.errors } });
  const now = input.now ?? new Date();
  const id = input.id ?? newId();
  const flowTrigger = input.trigger ? flow.triggers.find((t) => t.id === input.trigger?.id) : undefined;
  const labels = executionLabels({
    flow: flow.labels,
    trigger: flowTrigger?.labels ?? [],
    extra: input.labels ?? [],
    executionId: id,
    from: input.from ?? (input.trigger ? 'trigger' : 'api'),
  });
  return {
    tenantId: flow.tenantId,
    id,
    namespace: flow.namespace,
    flowId: flow.id,
    flowRevision: flow.revision,
    taskRunList: [],
    inputs: read.inputs,
    labels,
    variables: flow.variables,
    state: newState('CREATED', now),
    ...(input.trigger ? { trigger: input.trigger } : {}),
    metadata: { attemptNumber: 1, originalCreatedDate: now.toISOString() },
  };
}
