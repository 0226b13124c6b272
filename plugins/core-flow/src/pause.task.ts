import { DURATION_PATTERN, Dynamic, Type, Tasks, defineFlowableTask, parseDuration, type Static } from '@sluice/core';
import { pauseExamples } from './pause.examples.js';

/** Kestra's input types, as `onResume` declares them (the same as a flow's `inputs`). */
const INPUT_TYPES = [
  'STRING', 'ENUM', 'SELECT', 'INT', 'FLOAT', 'BOOLEAN', 'BOOL', 'DATETIME', 'DATE', 'TIME', 'DURATION', 'FILE',
  'JSON', 'URI', 'SECRET', 'ARRAY', 'MULTISELECT', 'YAML', 'EMAIL',
] as const;

const Duration = (description: string) =>
  Dynamic(Type.String({ pattern: DURATION_PATTERN, description }));

/** One input a resume takes: a flow input declaration. */
export const ResumeInput = Type.Object(
  {
    id: Type.String({ pattern: '^[a-zA-Z0-9][.a-zA-Z0-9_-]*$', description: 'The input name, read as `{{ outputs.<pause>.onResume.<id> }}`.' }),
    type: Type.Union(INPUT_TYPES.map((t) => Type.Literal(t)), { description: 'The input type, as for flow inputs.' }),
    description: Type.Optional(Type.String({ description: 'What the input is for; forms show it.' })),
    required: Type.Optional(Type.Boolean({ description: 'Whether a resume must give a value; true by default.' })),
    defaults: Type.Optional(Type.Unknown({ description: 'The value when a resume gives none.' })),
    displayName: Type.Optional(Type.String({ maxLength: 64, description: 'A label for forms.' })),
  },
  // Type-specific fields (`values`, `min`, `max`, `validator`, ...) are read as for flow inputs.
  { additionalProperties: true, description: 'An input of the resume, declared as a flow input is.' },
);

/** Props of the Pause task. */
export const PauseProps = Type.Object(
  {
    pauseDuration: Type.Optional(Duration(
      'How long to pause, as an ISO-8601 duration (`PT1H`, `PT30M`). Without it (and without `timeout`), the execution waits until it is resumed through the API or the UI.',
    )),
    delay: Type.Optional(Duration('Another name of `pauseDuration` (Kestra before 0.23); keep one of the two.')),
    behavior: Type.Optional(Dynamic(Type.Union(['RESUME', 'WARN', 'FAIL', 'CANCEL'].map((b) => Type.Literal(b)), {
      description:
        'What happens when `pauseDuration` has passed (a resume before it always succeeds): `RESUME` (the default) goes on; ' +
        '`WARN` ends the Pause in WARNING and goes on; `FAIL` fails the Pause; `CANCEL` cancels the execution.',
    }))),
    onResume: Type.Optional(Type.Array(ResumeInput, {
      description:
        'Inputs the resume takes, declared as flow inputs: validated when the execution is resumed (a required one missing refuses the resume) and read as `{{ outputs.<pause>.onResume.<id> }}`.',
    })),
    tasks: Type.Optional(Tasks({ description: 'Tasks run once the pause ends (deprecated in Kestra: put them after the Pause).' })),
  },
  { additionalProperties: false },
);
/** Props of the Pause task, as `plan` receives them. */
export type PauseProps = Static<typeof PauseProps>;

/** Output of the Pause task. */
export const PauseOutput = Type.Object(
  {
    onResume: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'The inputs of the resume, by id; absent when time ended the pause.' })),
    resumed: Type.Optional(Type.Object(
      {
        by: Type.Optional(Type.String({ description: 'Who resumed it, when known.' })),
        on: Type.String({ description: 'When the pause ended (ISO-8601).' }),
        to: Type.String({ description: 'The state the Pause took: SUCCESS after a resume, else the behavior\'s.' }),
      },
      { description: 'When and how the pause ended.' },
    )),
  },
  { additionalProperties: false },
);

const ON_DURATION = { RESUME: 'SUCCESS', WARN: 'WARNING', FAIL: 'FAILED', CANCEL: 'CANCELLED' } as const;

/**
 * `io.kestra.plugin.core.flow.Pause`: pauses the execution for a duration, or until it is
 * resumed through the API. The execution is PAUSED meanwhile and holds no worker.
 * @public
 */
export const pause = defineFlowableTask({
  type: 'io.kestra.plugin.core.flow.Pause',
  aliases: ['io.kestra.core.tasks.flows.Pause'],
  title: 'Pause the execution',
  description:
    'Pauses the execution: it shows PAUSED and the tasks after the Pause wait. It goes on when `pauseDuration` has ' +
    'passed (then `behavior` says how), or when it is resumed with `POST /api/v1/{tenant}/executions/{id}/resume` ' +
    '(or the Resume button of the UI), with the inputs `onResume` declares. With neither a duration nor a `timeout` ' +
    'it waits for the resume. A `timeout` fails the Pause when it passes first (WARNING under `allowFailure`). ' +
    'A paused execution holds no worker and no CPU: it is queued again for its date, and survives a restart.',
  props: PauseProps,
  output: PauseOutput,
  examples: pauseExamples,
  waits: true,
  check: (props) =>
    props.pauseDuration !== undefined && props.delay !== undefined
      ? [{ path: ['delay'], message: "'pauseDuration' and 'delay' are two names of one field; keep one" }]
      : duplicateIds(props.onResume ?? []),
  plan: (_ctx, props) => {
    const duration = props.pauseDuration ?? props.delay;
    const tasks = props.tasks ?? [];
    return {
      branches: tasks.length > 0 ? [{ tasks }] : [],
      concurrency: 1,
      wait: {
        ...(duration === undefined ? {} : { durationMs: parseDuration(duration) }),
        onDuration: ON_DURATION[(props.behavior ?? 'RESUME') as keyof typeof ON_DURATION],
        pause: true,
        ...(props.onResume === undefined ? {} : { inputs: props.onResume }),
      },
    };
  },
});

function duplicateIds(inputs: readonly { id: string }[]): { path: (string | number)[]; message: string }[] {
  const seen = new Set<string>();
  return inputs.flatMap((input, i) => {
    if (!seen.has(input.id)) {
      seen.add(input.id);
      return [];
    }
    return [{ path: ['onResume', i, 'id'], message: `Duplicate input with name [${input.id}]` }];
  });
}
