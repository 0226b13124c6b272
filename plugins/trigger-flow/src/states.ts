import { Type } from '@sluice/core';

/**
 * The states an execution can end in, the only ones a Flow trigger sees in Sluice: it is asked
 * when an execution's end is stored, never on the way (Kestra 1.x also reacts to PAUSED; a flow
 * listing it is refused at save rather than never started).
 */
export const END_STATES = ['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED', 'RETRIED', 'SKIPPED', 'RESUBMITTED'] as const;

/** One state an execution ends in. */
export const EndState = Type.Union(END_STATES.map((state) => Type.Literal(state)), { description: 'A state an execution ends in.' });

/** A list of end states, described. */
export const endStates = (description: string) => Type.Array(EndState, { minItems: 1, description });
