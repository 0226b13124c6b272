import { Type, type TSchema } from '@sinclair/typebox';
import { LOG_LEVELS } from '@sluice/core';
import { STATE_TYPES } from '../model/state.js';
import { TemplateString } from '../plugins/schemas.js';
import { EXPECTED_KEYWORD } from '../plugins/value-errors.js';

// Kestra's patterns (Java's @Pattern matches the whole value, hence the `$`).
export const FLOW_ID_PATTERN = '^[a-zA-Z0-9][a-zA-Z0-9._-]*$';
export const NAMESPACE_PATTERN = '^[a-z0-9][a-z0-9._-]*$';
export const TASK_ID_PATTERN = '^[a-zA-Z0-9][a-zA-Z0-9_-]*$';
export const INPUT_ID_PATTERN = '^[a-zA-Z0-9][.a-zA-Z0-9_-]*$';
// java.time.Duration's ISO-8601 form: days, hours, minutes, seconds (`PT30S`, `P1DT2H`), in any
// case as Java reads it (`PT0.25s`), the same set parseIsoDuration reads at run time. JSON Schema
// patterns take no flags, so both cases are spelled out.
const DURATION_PATTERN = '^[Pp](?=\\d|[Tt]\\d)(\\d+[Dd])?([Tt](?=\\d)(\\d+[Hh])?(\\d+[Mm])?(\\d+([.,]\\d+)?[Ss])?)?$';

/** Kestra's input (and output) types, 0.21's list plus the names newer versions added. */
export const INPUT_TYPES = [
  'STRING', 'ENUM', 'SELECT', 'INT', 'FLOAT', 'BOOLEAN', 'BOOL', 'DATETIME', 'DATE', 'TIME', 'DURATION', 'FILE',
  'JSON', 'URI', 'SECRET', 'ARRAY', 'MULTISELECT', 'YAML', 'EMAIL', 'ION', 'OBJECT', 'TABLE', 'FORM',
] as const;

const literals = (values: readonly string[], description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), { description });
const text = (description: string) => Type.String({ description });
const flag = (description: string) => Type.Boolean({ description });

const LogLevel = (description: string) => literals(LOG_LEVELS, description);
const Duration = (description: string) =>
  Type.Union([Type.String({ pattern: DURATION_PATTERN, description: 'An ISO-8601 duration such as PT30S.', [EXPECTED_KEYWORD]: 'an ISO-8601 duration such as PT30S' }), TemplateString], { description });
const WorkerGroup = Type.Object(
  {
    key: text('The worker group key.'),
    fallback: Type.Optional(literals(['FAIL', 'WAIT', 'CANCEL'], 'What to do when no worker of the group is available.')),
  },
  { additionalProperties: false, description: 'Kestra Enterprise worker group; kept, not acted on.' },
);

// A retry's durations are read when an attempt fails, never rendered: no templates, as in Kestra.
const FixedDuration = (description: string) =>
  Type.String({ pattern: DURATION_PATTERN, description, [EXPECTED_KEYWORD]: 'an ISO-8601 duration such as PT30S' });

/**
 * Kestra's retry object (`constant`, `exponential`, `random`). Which fields each type needs and
 * takes is checked beside the schema (check-retry.ts), with messages that name the type.
 */
export const Retry = Type.Object(
  {
    type: literals(['constant', 'exponential', 'random'], 'The retry policy.'),
    interval: Type.Optional(FixedDuration('Time between attempts (constant, exponential).')),
    maxAttempt: Type.Optional(Type.Integer({ minimum: 1, description: 'Most attempts, the first included (Kestra 0.x name).' })),
    maxAttempts: Type.Optional(Type.Integer({ minimum: 1, description: 'Most attempts, the first included (Kestra 1.x name of maxAttempt).' })),
    maxDuration: Type.Optional(FixedDuration('Longest time from the first attempt\'s start to the start of the last.')),
    warningOnRetry: Type.Optional(flag('End in WARNING rather than SUCCESS when a retry was needed.')),
    behavior: Type.Optional(literals(['RETRY_FAILED_TASK', 'CREATE_NEW_EXECUTION'], 'What a retry re-runs; only RETRY_FAILED_TASK is supported.')),
    delayFactor: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Growth of the interval (exponential); its integer part is used, 2 by default.' })),
    maxInterval: Type.Optional(FixedDuration('Largest interval (exponential, random).')),
    minInterval: Type.Optional(FixedDuration('Smallest interval (random).')),
  },
  { additionalProperties: false, description: 'How a failed run is retried.' },
);

/** The fields every task has, whatever its plugin. Other keys are the plugin's props. */
export const TaskEnvelope = Type.Object({
  id: Type.String({ pattern: TASK_ID_PATTERN, maxLength: 256, description: 'The task id, unique in the flow.' }),
  type: Type.String({ minLength: 1, description: 'The plugin type, e.g. io.kestra.plugin.core.log.Log.' }),
  description: Type.Optional(text('What the task is for.')),
  disabled: Type.Optional(flag('Skip the task.')),
  allowFailure: Type.Optional(flag('A failure ends the task in WARNING and the flow goes on.')),
  allowWarning: Type.Optional(flag('With allowFailure, a failure ends the task in SUCCESS.')),
  timeout: Type.Optional(Duration('Abort the task after this long.')),
  retry: Type.Optional(Retry),
  logLevel: Type.Optional(LogLevel('Drop log lines below this level.')),
  runIf: Type.Optional(Type.Union([Type.String(), Type.Boolean()], { description: 'Run only when this renders truthy (Kestra 1.x name).' })),
  when: Type.Optional(Type.Union([Type.String(), Type.Boolean()], { description: 'Run only when this renders truthy (Kestra 2.0 name of runIf).' })),
  workerGroup: Type.Optional(WorkerGroup),
  logToFile: Type.Optional(flag('Kestra: store the logs in a file; kept, not acted on.')),
});

/** The fields every trigger has, whatever its plugin. Other keys are the plugin's props. */
export const TriggerEnvelope = Type.Object({
  id: Type.String({ pattern: TASK_ID_PATTERN, maxLength: 256, description: 'The trigger id, unique in the flow.' }),
  type: Type.String({ minLength: 1, description: 'The plugin type, e.g. io.kestra.plugin.core.trigger.Webhook.' }),
  description: Type.Optional(text('What the trigger is for.')),
  disabled: Type.Optional(flag('Ignore the trigger.')),
  labels: Type.Optional(Type.Unknown({ description: 'Labels added to the executions it starts.' })),
  logLevel: Type.Optional(LogLevel('Minimum level of the logs of the executions it starts.')),
  minLogLevel: Type.Optional(LogLevel('Another name of logLevel.')),
  workerGroup: Type.Optional(WorkerGroup),
  stopAfter: Type.Optional(Type.Array(literals(STATE_TYPES, 'A state.'), { description: 'Disable the trigger once an execution ends in one of these states.' })),
  logToFile: Type.Optional(flag('Kestra: store the logs in a file; kept, not acted on.')),
});

/** A declared flow input: the common fields; type-specific ones (`values`, `min`, ...) are kept. */
export const Input = Type.Object({
  id: Type.String({ pattern: INPUT_ID_PATTERN, description: 'The input name, read as {{ inputs.<id> }}.' }),
  type: literals(INPUT_TYPES, 'The input type.'),
  description: Type.Optional(text('What the input is for.')),
  required: Type.Optional(flag('Whether a value must be given; true by default.')),
  defaults: Type.Optional(Type.Unknown({ description: 'The value when none is given.' })),
  displayName: Type.Optional(Type.String({ maxLength: 64, description: 'A label for forms.' })),
  dependsOn: Type.Optional(Type.Unknown({ description: 'Inputs this one depends on.' })),
});

/** A flow output: a template rendered when the execution ends. */
export const Output = Type.Object(
  {
    id: Type.String({ pattern: INPUT_ID_PATTERN, description: 'The output name.' }),
    type: literals(INPUT_TYPES, 'The output type.'),
    value: Type.Unknown({ description: 'The value, usually a template such as {{ outputs.task.value }}.' }),
    description: Type.Optional(text('What the output is.')),
    displayName: Type.Optional(Type.String({ maxLength: 64, description: 'A label.' })),
    required: Type.Optional(flag('Whether the output must have a value.')),
  },
  { additionalProperties: false },
);

/** Labels as Kestra accepts them: a list of `{ key, value }` or a mapping. */
export const Labels = Type.Union(
  [
    Type.Array(Type.Object({ key: Type.String({ minLength: 1 }), value: Type.String({ minLength: 1 }) }, { additionalProperties: false })),
    Type.Record(Type.String(), Type.Union([Type.String({ minLength: 1 }), Type.Number(), Type.Boolean()])),
  ],
  { description: 'Labels, as a list of { key, value } or as a mapping; system.* keys are reserved.' },
);

/** One of the flow's `pluginDefaults`, applied before the flow is validated (plugin-defaults.ts). */
const PluginDefault = Type.Object(
  {
    type: Type.String({ minLength: 1, description: 'A task or trigger type, or a prefix of types such as io.kestra.plugin.core.' }),
    forced: Type.Optional(flag('The values win over what the task writes; otherwise the task wins.')),
    values: Type.Record(Type.String(), Type.Unknown(), { description: 'Property values, merged into each matching task or trigger.' }),
  },
  { additionalProperties: false },
);

const taskList = (description: string) => Type.Array(Type.Unknown(), { description });

/** Top-level keys kept in `Flow.extra`, with the shape each must have. */
export const FLOW_EXTRA: Readonly<Record<string, TSchema>> = {
  errors: taskList('Tasks run when a task fails.'),
  finally: taskList('Tasks always run at the end.'),
  afterExecution: taskList('Tasks run once the execution has ended: not supported yet, refused when set (finally runs before the end).'),
  concurrency: Type.Object(
    {
      limit: Type.Integer({ minimum: 1, description: 'Most executions of the flow started and not ended at once, counted across every worker.' }),
      behavior: Type.Optional(literals(['QUEUE', 'CANCEL', 'FAIL'], 'What happens to one more: QUEUE (default) waits QUEUED for a slot, oldest first; CANCEL ends it CANCELLED; FAIL ends it FAILED.')),
    },
    { additionalProperties: false, description: 'How many executions of the flow may run at once.' },
  ),
  pluginDefaults: Type.Array(PluginDefault, { description: 'Values given to every task or trigger of a type, or of every type under a prefix.' }),
  taskDefaults: Type.Array(PluginDefault, { description: 'The name of pluginDefaults before Kestra 0.18; applied the same way.' }),
  retry: Retry,
  sla: Type.Array(Type.Unknown(), { description: 'Service-level agreements: not supported, refused when set.' }),
  checks: Type.Array(Type.Unknown(), { description: 'Checks run before an execution starts: not supported, refused when set.' }),
  workerSelector: Type.Unknown({ description: 'Kestra 2.0 worker selection: not supported, refused when set.' }),
  listeners: Type.Array(Type.Unknown(), { description: 'Deprecated in Kestra: not supported, refused when set.' }),
  revision: Type.Integer({ minimum: 1, description: 'Assigned by the server; ignored.' }),
  draft: flag('Kestra 2.0 draft revision: not supported, refused when true.'),
};

/** The flow's own keys, the lists checked item by item elsewhere. */
export const FlowEnvelope = Type.Object(
  {
    id: Type.String({ pattern: FLOW_ID_PATTERN, maxLength: 100, description: 'The flow id, unique in its namespace.' }),
    namespace: Type.String({ pattern: NAMESPACE_PATTERN, maxLength: 150, description: 'The namespace, lower case, e.g. company.team.' }),
    description: Type.Optional(text('What the flow does, in Markdown.')),
    labels: Type.Optional(Type.Unknown()),
    inputs: Type.Optional(Type.Array(Type.Unknown(), { description: 'The inputs an execution takes.' })),
    variables: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Values read as {{ vars.<name> }}.' })),
    outputs: Type.Optional(Type.Array(Type.Unknown(), { description: 'Values the execution returns.' })),
    tasks: Type.Array(Type.Unknown(), { minItems: 1, description: 'The tasks, run in order.' }),
    triggers: Type.Optional(Type.Array(Type.Unknown(), { description: 'What starts the flow.' })),
    disabled: Type.Optional(flag('A disabled flow cannot be executed, webhooks included.')),
    ...Object.fromEntries(Object.entries(FLOW_EXTRA).map(([key, schema]) => [key, Type.Optional(schema)])),
  },
  { additionalProperties: false },
);

/** Keys that belong to a task's envelope; every other key of a task is a prop. */
export const TASK_ENVELOPE_KEYS: ReadonlySet<string> = new Set(Object.keys(TaskEnvelope.properties));
/** Keys that belong to a trigger's envelope; every other key of a trigger is a prop. */
export const TRIGGER_ENVELOPE_KEYS: ReadonlySet<string> = new Set(Object.keys(TriggerEnvelope.properties));
