/** render() and renderOnce(): Kestra's way to render a variable that holds a template, and its bounds. */
import { describe, expect, it } from 'vitest';
import { renderTemplate } from './index.js';
import { RENDER_LIMITS } from './functions-render.js';
import { sluiceFailure } from '../../test/fixtures/sluice-failure.js';

const secrets = { functions: { secret: (name: string): string => (name === 'TOKEN' ? 's3cr3t-token' : `no-${name}`) } };

describe('render()', () => {
  const variables = {
    vars: {
      greeting: 'Hello {{ inputs.name }}',
      nested: '{{ vars.greeting }}!',
      auth: "Bearer {{ secret('TOKEN') }}",
      list: ['{{ inputs.name | upper }}'],
      self: '{{ render(vars.self) }}',
    },
    inputs: { name: 'Ada' },
    trigger: { body: { text: "{{ secret('TOKEN') }}", sum: '{{ 6 * 7 }}', loop: "{{ render(trigger.body.loop) }}" } },
  };

  it('renders a flow variable that holds a template, recursively by default, as Kestra does', () => {
    expect(renderTemplate('{{ vars.greeting }}', variables)).toBe('Hello {{ inputs.name }}');
    expect(renderTemplate('{{ render(vars.greeting) }}', variables)).toBe('Hello Ada');
    expect(renderTemplate('{{ render(vars.nested) }}', variables)).toBe('Hello Ada!');
    expect(renderTemplate('{{ render(vars.nested, false) }}', variables)).toBe('Hello {{ inputs.name }}!');
    expect(renderTemplate('{{ renderOnce(vars.nested) }}', variables)).toBe('Hello {{ inputs.name }}!');
    expect(renderTemplate('{{ render(vars.list[0]) }}', variables)).toBe('ADA');
    expect(renderTemplate("{{ render('plain text') }}", variables)).toBe('plain text');
  });

  it("renders chained variables until stable, as Kestra's VariablesTest expects of its variables flow", () => {
    const chained = { vars: { first: '1', second: '{{vars.first}} > 2', third: '{{vars.second}} > 3' } };
    expect(renderTemplate('{{render(vars.third)}}', chained)).toBe('1 > 2 > 3');
  });

  it("lets the flow's own variables read secrets", () => {
    expect(renderTemplate('{{ render(vars.auth) }}', variables, secrets)).toBe('Bearer s3cr3t-token');
  });

  it('renders data, but never lets data read a secret', () => {
    expect(renderTemplate('{{ render(trigger.body.sum) }}', variables)).toBe('42');
    const refused = sluiceFailure(() => renderTemplate('{{ render(trigger.body.text) }}', variables, secrets));
    expect(refused.code).toBe('EXPRESSION_EVALUATION');
    expect(refused.message).toContain('secret() cannot be used in a template that render() made from data');
    expect(refused.message).not.toContain('s3cr3t');
  });

  it('sees the global variables only, not loop or set variables, as Kestra', () => {
    expect(sluiceFailure(() => renderTemplate("{% set x = 1 %}{{ render('{{ x }}') }}", variables)).code).toBe('EXPRESSION_UNDEFINED');
  });

  it("gives back a number, boolean or null as it is, as Kestra's render() does", () => {
    const scalars = { vars: { count: 42, on: true, nothing: null } };
    expect(renderTemplate('{{ render(vars.count) }} {{ render(vars.on) }} [{{ render(vars.nothing) }}]', scalars)).toBe('42 true []');
    expect(renderTemplate('{{ render(vars.count) + 1 }}', scalars)).toBe('43');
  });

  it('refuses a value that is not a string, and a recursive flag that is not a boolean', () => {
    expect(sluiceFailure(() => renderTemplate('{{ render(inputs) }}', variables)).message).toContain('render() needs a string, not map');
    expect(sluiceFailure(() => renderTemplate("{{ render(vars.greeting, 'yes') }}", variables)).message).toContain('true or false');
  });

  it('is bounded: a template that renders itself stops at the nesting limit', () => {
    expect(sluiceFailure(() => renderTemplate('{{ render(vars.self) }}', variables))).toMatchObject({
      code: 'EXPRESSION_LIMIT',
      message: expect.stringContaining(`render() nested deeper than ${RENDER_LIMITS.depth}`),
    });
    expect(sluiceFailure(() => renderTemplate('{{ render(trigger.body.loop) }}', variables)).code).toBe('EXPRESSION_LIMIT');
  });

  it('shares the loop budget of the render that called it', () => {
    const looping = { vars: { loop: '{% for i in range(1, 60000) %}.{% endfor %}' } };
    expect(sluiceFailure(() => renderTemplate('{{ render(vars.loop) }}{{ render(vars.loop) }}', looping)).message).toContain('loop iterations');
  });
});
