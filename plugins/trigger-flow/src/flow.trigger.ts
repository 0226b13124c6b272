import { defineTrigger } from '@sluice/core';
import { FlowTriggerProps, FlowTriggerVariables } from './flow.schema.js';
import { flowTriggerExamples } from './flow.examples.js';
import { matchEnded } from './match.js';
import { checkPreconditions } from './preconditions.js';

/**
 * `io.kestra.plugin.core.trigger.Flow`: starts a flow when executions of other flows end.
 * @public
 */
export const flowTrigger = defineTrigger({
  mode: 'flow',
  type: 'io.kestra.plugin.core.trigger.Flow',
  aliases: ['io.kestra.core.models.triggers.types.Flow'],
  title: 'Start a flow when executions of other flows end',
  description:
    'Starts an execution each time an execution of another flow ends and passes `states`, `conditions` and `preconditions`: exactly one per ' +
    'ending execution and trigger, whatever the number of workers and across worker crashes. The execution gets the ending execution as ' +
    '`trigger.executionId`, `trigger.namespace`, `trigger.flowId`, `trigger.flowRevision`, `trigger.state` and `trigger.outputs` (its flow outputs). ' +
    'A flow never triggers itself. `preconditions` with several `flows`/`where` entries wait until each is met by an execution that ends within ' +
    'their `timeWindow` (the executions may differ), and start the flow once, for the execution that met the last one, whatever the number of workers.',
  props: FlowTriggerProps,
  variables: FlowTriggerVariables,
  examples: flowTriggerExamples,
  check: (props) => (props.preconditions ? checkPreconditions(props.preconditions) : []),
  match(ctx, props, ended) {
    const decision = matchEnded(ctx, props, ended);
    if (decision.kind === 'skip') {
      // Kestra drops an end whose inputs do not render with a warning; other skips are the norm.
      if (decision.reason.startsWith('inputs')) ctx.logger.warn(`execution ${ended.id} started nothing: ${decision.reason}`);
      else ctx.logger.debug(`execution ${ended.id} skipped: ${decision.reason}`);
    }
    return decision;
  },
});
