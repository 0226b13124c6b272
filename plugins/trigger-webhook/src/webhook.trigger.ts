import { defineTrigger, isSluiceError, renderTriggerInputs, type WebhookResponsePolicy } from '@sluice/core';
import { bodyVariable, headersVariable, parametersVariable } from './body.js';
import { webhookErrors } from './errors.js';
import { assertSupportedConditions, evaluateConditions } from './conditions.js';
import { keysMatch } from './key.js';
import { WebhookProps, WebhookVariables } from './webhook.schema.js';
import { webhookExamples } from './webhook.examples.js';

/** How the host answers once the execution is stored, or nothing when it answers at once. */
function responsePolicy(props: WebhookProps): WebhookResponsePolicy | undefined {
  if (props.wait !== true) return undefined;
  return {
    wait: true,
    returnOutputs: props.returnOutputs === true,
    contentType: props.responseContentType ?? 'application/json',
    // Left as a template: only the host has the finished execution to render it with.
    ...(props.responseCode === undefined ? {} : { statusCode: String(props.responseCode) }),
  };
}

/**
 * `io.kestra.plugin.core.trigger.Webhook`: starts a flow from an HTTP request.
 * @public
 */
export const webhook = defineTrigger({
  mode: 'webhook',
  type: 'io.kestra.plugin.core.trigger.Webhook',
  aliases: ['io.kestra.core.models.triggers.types.Webhook'],
  title: 'Start a flow from an HTTP request',
  description:
    'Starts an execution when `GET`, `POST` or `PUT` reaches `/api/v1/{tenant}/executions/webhook/{namespace}/{flowId}/{key}` ' +
    'with this trigger\'s `key`. The request becomes `trigger.body`, `trigger.headers` and `trigger.parameters`. ' +
    '`conditions` or `when` can turn requests away (204), and `inputs` feeds the flow\'s inputs from the request. ' +
    'A wrong key gets the same 404 as an unknown flow, so keys cannot be guessed one flow at a time.',
  props: WebhookProps,
  variables: WebhookVariables,
  examples: webhookExamples,
  receive(ctx, props, request) {
    // First, and before anything is parsed: a request with a wrong key learns nothing more.
    if (!keysMatch(props.key, request.key)) return { kind: 'not-matched' };

    const headers = headersVariable(request.headers);
    let body: unknown;
    try {
      body = bodyVariable(request.body, headers['content-type']?.[0]);
    } catch (error) {
      if (isSluiceError(error, webhookErrors.codes.WEBHOOK_BODY_TOO_DEEP)) return { kind: 'invalid', errors: [{ path: 'body', message: error.message }] };
      throw error;
    }
    const variables: WebhookVariables = { body, headers, parameters: parametersVariable(request.query) };

    const conditions = props.conditions ?? [];
    assertSupportedConditions(conditions);
    const verdict = evaluateConditions(ctx, conditions, props.when, { trigger: variables });
    if (!verdict.ok) {
      ctx.logger.debug(`webhook request skipped: ${verdict.reason}`);
      return { kind: 'skip', reason: verdict.reason };
    }

    let inputs: Record<string, unknown> | undefined;
    if (props.inputs !== undefined) {
      const rendered = renderTriggerInputs(ctx, props.inputs, { trigger: variables });
      if (!rendered.ok) return { kind: 'invalid', errors: rendered.errors };
      inputs = rendered.inputs;
    }

    const response = responsePolicy(props);
    return {
      kind: 'start',
      variables,
      ...(inputs === undefined ? {} : { inputs }),
      ...(response === undefined ? {} : { response }),
    };
  },
});
