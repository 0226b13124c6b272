import { describe, expect, it } from 'vitest';
import { validateFlow } from '@sluice/plugin-testing';
import plugin from './index.js';
import logPlugin from '../../core-log/src/index.js';

// What the host accepts and refuses when a flow with a webhook trigger is saved.
const flow = (trigger: string) => `id: hooked
namespace: company.team
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: hi
triggers:
  - id: webhook
    type: io.kestra.plugin.core.trigger.Webhook
${trigger}`;
const problems = (trigger: string) => validateFlow(flow(trigger), plugin, { packages: [logPlugin] });
const paths = (trigger: string) => problems(trigger).map((p) => p.path);

describe('Webhook props at save time', () => {
  it('accepts every prop, with the legacy type name too', () => {
    expect(problems(`    key: "{{ secret('WEBHOOK_KEY') }}"
    wait: true
    returnOutputs: true
    responseContentType: text/plain
    responseCode: "{{ outputs.code ?? 200 }}"
    inputs:
      name: "{{ trigger.body.name }}"
      nested: { list: ["{{ trigger.parameters.a[0] }}", 2] }
    conditions:
      - type: io.kestra.plugin.core.condition.ExpressionCondition
        expression: "{{ trigger.body.hello == 'world' }}"
      - type: io.kestra.core.models.conditions.types.VariableCondition
        expression: "{{ true }}"
    when: "{{ trigger.headers['x-event'][0] == 'deploy' }}"
`)).toEqual([]);
    const legacy = flow('    key: k\n').replace('io.kestra.plugin.core.trigger.Webhook', 'io.kestra.core.models.triggers.types.Webhook');
    expect(validateFlow(legacy, plugin, { packages: [logPlugin] })).toEqual([]);
  });

  it('requires a key that is not blank and at most 256 characters', () => {
    expect(paths('    wait: true\n')).toEqual(['triggers[0].key']);
    expect(paths('    key: "   "\n')).toEqual(['triggers[0].key']);
    expect(paths(`    key: ${'k'.repeat(257)}\n`)).toEqual(['triggers[0].key']);
    expect(paths(`    key: ${'k'.repeat(256)}\n`)).toEqual([]);
  });

  it('refuses unknown props, bad content types and status codes', () => {
    expect(paths('    key: k\n    waitt: true\n')).toEqual(['triggers[0].waitt']);
    expect(paths('    key: k\n    responseContentType: text/html\n')).toEqual(['triggers[0].responseContentType']);
    expect(paths('    key: k\n    responseCode: lots\n')).toEqual(['triggers[0].responseCode']);
    expect(paths('    key: k\n    responseCode: 201\n')).toEqual([]);
  });

  it('refuses MultipleCondition, pointing at its type', () => {
    const found = problems(`    key: k
    conditions:
      - type: io.kestra.plugin.core.condition.MultipleCondition
        expression: "{{ true }}"
`);
    expect(found).toEqual([expect.objectContaining({ path: 'triggers[0].conditions[0].type', line: 12 })]);
    expect(found[0]?.message).toContain('io.kestra.plugin.core.condition.ExpressionCondition');
  });
});
