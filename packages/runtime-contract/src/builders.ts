import type { Execution, FlowRevision, LogEntry, TaskRun } from '@sluice/engine';
import { newId, newState } from '@sluice/engine';

/**
 * Builders of valid port values with every field set, so a test names only what it is about.
 * Defaults carry nested objects, arrays and unicode on purpose: a runtime that serializes must
 * give them back equal.
 */

/** What `FlowRepository.save` takes. */
export type FlowToSave = Omit<FlowRevision, 'revision' | 'updated' | 'deleted'>;

/** A tenant id no other test uses, so tests sharing one store never see each other's data. */
export function uniqueTenant(): string {
  return `t${newId()}`;
}

/** A flow ready to save; `source` follows `id` and `namespace` unless given. */
export function aFlowToSave(overrides: Partial<FlowToSave> = {}): FlowToSave {
  const id = overrides.id ?? 'hello';
  const namespace = overrides.namespace ?? 'company.team';
  return {
    tenantId: 'main',
    id,
    namespace,
    description: 'Says hello',
    labels: [{ key: 'team', value: 'platform' }],
    inputs: [{ id: 'name', type: 'STRING', required: false, defaults: 'world', extra: {} }],
    variables: { greeting: 'héllo ✓' },
    outputs: [],
    tasks: [
      {
        id: 'log',
        type: 'io.kestra.plugin.core.log.Log',
        disabled: false,
        allowFailure: false,
        allowWarning: false,
        props: { message: '{{ vars.greeting }} {{ inputs.name }}' },
      },
    ],
    triggers: [],
    disabled: false,
    extra: {},
    source: `id: ${id}\nnamespace: ${namespace}\n# comments are kept\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hello\n`,
    ...overrides,
  };
}

/** A stored revision (revision 1, live, updated now) for tests that need the full value. */
export function aFlowRevision(overrides: Partial<FlowRevision> = {}): FlowRevision {
  return { ...aFlowToSave(overrides), revision: 1, updated: new Date().toISOString(), deleted: false, ...overrides };
}

/** An execution in state CREATED at `createdAt` (default now), with a webhook trigger's variables. */
export function anExecution(overrides: Partial<Execution> & { readonly createdAt?: Date } = {}): Execution {
  const { createdAt = new Date(), ...fields } = overrides;
  return {
    tenantId: 'main',
    id: newId(),
    namespace: 'company.team',
    flowId: 'hello',
    flowRevision: 1,
    taskRunList: [],
    inputs: { name: 'wörld' },
    labels: [{ key: 'team', value: 'platform' }],
    variables: {},
    state: newState('CREATED', createdAt),
    trigger: {
      id: 'webhook',
      type: 'io.kestra.plugin.core.trigger.Webhook',
      variables: { body: { items: [1, 2, { nested: true }] }, headers: { 'x-id': ['42'] }, parameters: {} },
    },
    metadata: { attemptNumber: 1, originalCreatedDate: createdAt.toISOString() },
    ...fields,
  };
}

/** A log line of `executionId` at INFO. */
export function aLogEntry(executionId: string, overrides: Partial<LogEntry> = {}): LogEntry {
  return {
    tenantId: 'main',
    namespace: 'company.team',
    flowId: 'hello',
    executionId,
    taskId: 'log',
    taskRunId: 'taskrun-1',
    attemptNumber: 0,
    timestamp: new Date().toISOString(),
    level: 'INFO',
    message: 'hello wörld',
    ...overrides,
  };
}

/** A task run of `execution`, SUCCESS, with outputs holding nested values, unicode and an integer beyond 2^53. */
export function aTaskRun(execution: Execution, overrides: Partial<TaskRun> = {}): TaskRun {
  const id = overrides.id ?? newId();
  return {
    tenantId: execution.tenantId,
    id,
    executionId: execution.id,
    namespace: execution.namespace,
    flowId: execution.flowId,
    taskId: 'log',
    value: 'vä',
    attempts: [{ state: newState('SUCCESS') }],
    outputs: { big: 12345678901234567890n, list: [1, { deep: 'é' }] },
    state: newState('SUCCESS'),
    ...overrides,
  };
}
