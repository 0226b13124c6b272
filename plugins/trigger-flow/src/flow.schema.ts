import { Dynamic, Type, type Static } from '@sluice/core';
import { FlowCondition } from './conditions.js';
import { Preconditions } from './preconditions.js';
import { END_STATES, endStates } from './states.js';

/** Props of the Flow trigger (the envelope `id`, `type`, `disabled`, `labels`, `stopAfter` is the host's). */
export const FlowTriggerProps = Type.Object(
  {
    inputs: Type.Optional(
      Dynamic(
        Type.Record(Type.String(), Type.Unknown(), {
          description:
            "Values for the flow's inputs. Every string inside is rendered with the ending execution: `{{ trigger.executionId }}`, `{{ trigger.outputs.<id> }}` " +
            '(its flow outputs), `{{ outputs.<taskId>.<output> }}` (its task outputs, as older Kestra flows read them); then validated against the flow\'s input declarations.',
        }),
        { renderedBy: 'plugin' },
      ),
    ),
    states: Type.Optional(endStates(`The states of the ending execution that are looked at. Default: every end state (${END_STATES.join(', ')}).`)),
    conditions: Type.Optional(Type.Array(FlowCondition, { description: 'Kestra 1.x conditions; all must pass for the ending execution to start the flow.' })),
    preconditions: Type.Optional(Preconditions),
  },
  { additionalProperties: false },
);
/** Props of the Flow trigger, as `match` gets them. */
export type FlowTriggerProps = Static<typeof FlowTriggerProps>;

/** The variables of an execution started by a Flow trigger: Kestra's `trigger.*`. */
export const FlowTriggerVariables = Type.Object(
  {
    executionId: Type.String({ description: 'The id of the execution that ended.' }),
    namespace: Type.String({ description: 'Its flow\'s namespace.' }),
    flowId: Type.String({ description: 'Its flow\'s id.' }),
    flowRevision: Type.Integer({ description: 'The revision of its flow it ran.' }),
    state: Type.String({ description: 'The state it ended in, e.g. `SUCCESS`.' }),
    outputs: Type.Record(Type.String(), Type.Unknown(), { description: 'Its flow\'s `outputs`; empty when its flow declares none.' }),
  },
  { description: 'The execution whose end started this one.' },
);
/** The variables of an execution started by a Flow trigger. */
export type FlowTriggerVariables = Static<typeof FlowTriggerVariables>;
