import { Dynamic, Type, type Static } from '@sluice/core';
import { WebhookCondition } from './conditions.js';

/** Props of the Webhook trigger (the envelope `id`, `type`, `disabled`, `labels` is the host's). */
export const WebhookProps = Type.Object(
  {
    key: Dynamic(
      Type.String({
        minLength: 1,
        maxLength: 256,
        pattern: '\\S',
        description:
          'The secret part of the webhook URL `/api/v1/{tenant}/executions/webhook/{namespace}/{flowId}/{key}`. ' +
          "Rendered on every request, so `{{ flow.id }}` or `{{ secret('WEBHOOK_KEY') }}` work; the result is trimmed. Compared in constant time and never logged.",
      }),
    ),
    wait: Type.Optional(
      Type.Boolean({ default: false, description: 'Keep the HTTP request open until the execution ends, then answer with the execution (or its outputs).' }),
    ),
    returnOutputs: Type.Optional(
      Type.Boolean({ default: false, description: "With `wait`: answer with the flow's `outputs` map instead of the execution." }),
    ),
    responseContentType: Type.Optional(
      Type.Union([Type.Literal('application/json'), Type.Literal('text/plain')], {
        description: 'With `returnOutputs`: the content type of the answer. `text/plain` sends a string output as is and anything else as JSON text. Defaults to `application/json`.',
      }),
    ),
    responseCode: Type.Optional(
      Dynamic(
        Type.Union([Type.Integer({ minimum: 100, maximum: 599 }), Type.String({ pattern: '^\\s*[1-5][0-9]{2}\\s*$|\\{[{%]' })], {
          description:
            'With `wait`: the HTTP status of the answer, a number or a template rendered against the finished execution ' +
            "(e.g. `{{ execution.state == 'FAILED' ? 500 : 200 }}`). Without it: 500 when the execution FAILED, else 200.",
        }),
        { renderedBy: 'plugin' },
      ),
    ),
    inputs: Type.Optional(
      Dynamic(
        Type.Record(Type.String(), Type.Unknown(), {
          description:
            "Values for the flow's inputs. Every string inside is rendered with the request's variables (`{{ trigger.body.name }}`), " +
            "then validated against the flow's input declarations; a failure answers 422.",
        }),
        { renderedBy: 'plugin' },
      ),
    ),
    // Each condition's `expression` is marked Dynamic (rendered by the trigger), not the list.
    conditions: Type.Optional(
      Type.Array(WebhookCondition, {
        description:
          'Kestra 1.x conditions: expression conditions evaluated with the request\'s variables. When one is false the request gets 204 and starts nothing. ' +
          'MultipleCondition is not supported.',
      }),
    ),
    when: Type.Optional(
      Dynamic(
        Type.String({
          description:
            "Kestra 2.0's condition: a template evaluated with the request's variables, e.g. `{{ trigger.body.hello == 'world' }}`. When it is not truthy the request gets 204 and starts nothing.",
        }),
        { renderedBy: 'plugin' },
      ),
    ),
  },
  { additionalProperties: false },
);
/** Props of the Webhook trigger, as `receive` gets them. */
export type WebhookProps = Static<typeof WebhookProps>;

/** The variables of an execution started by a webhook: `trigger.body`, `trigger.headers`, `trigger.parameters`. */
export const WebhookVariables = Type.Object(
  {
    body: Type.Unknown({
      description:
        'The body: null when empty; for a textual content type a JSON object or array when it parses as one, else the raw text; ' +
        'for any other content type the bytes in base64.',
    }),
    headers: Type.Record(Type.String(), Type.Array(Type.String()), {
      description: "Headers by lower-cased name, each a list of values: `{{ trigger.headers['x-event'][0] }}`.",
    }),
    parameters: Type.Record(Type.String(), Type.Array(Type.String()), {
      description: 'Query string parameters, each a list of values: `?age=12&age=13` gives `{"age": ["12", "13"]}`. Form bodies are not merged in.',
    }),
  },
  { description: 'The request that started the execution.' },
);
/** The variables of an execution started by a webhook. */
export type WebhookVariables = Static<typeof WebhookVariables>;
