import { describe, expect, it } from 'vitest';
import { setTriggerDisabled } from './trigger-disabled.js';

const SOURCE = `# The seed flow, with comments that must survive.
id: trigger # the id
namespace: company.team
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: |
      Hello World! 🚀
triggers:
  # the webhook
  - id: webhook
    type: io.kestra.plugin.core.trigger.Webhook
    key: 4wjtkzwVGBM9yKnjm3yv8r   # public

  - {id: flowstyle, type: io.kestra.plugin.core.trigger.Webhook, key: "abcdefghijkl"}
  - id: block
    type: io.kestra.plugin.core.trigger.Webhook
    key: |
      mnopqrstuvwx
  - id: off
    disabled: true # was off
    type: io.kestra.plugin.core.trigger.Webhook
    key: yzabcdefghij
`;

describe('setting a trigger\'s disabled in YAML', () => {
  it('adds the key under the last property, at its indent, keeping the comment on its line', () => {
    expect(setTriggerDisabled(SOURCE, 'webhook', true)).toBe(SOURCE.replace('key: 4wjtkzwVGBM9yKnjm3yv8r   # public\n', 'key: 4wjtkzwVGBM9yKnjm3yv8r   # public\n    disabled: true\n'));
  });

  it('adds it to a flow map, and after a block scalar', () => {
    expect(setTriggerDisabled(SOURCE, 'flowstyle', true)).toBe(SOURCE.replace('key: "abcdefghijkl"}', 'key: "abcdefghijkl", disabled: true }'));
    expect(setTriggerDisabled(SOURCE, 'block', true)).toBe(SOURCE.replace('      mnopqrstuvwx\n', '      mnopqrstuvwx\n    disabled: true\n'));
  });

  it('changes an existing value in place', () => {
    expect(setTriggerDisabled(SOURCE, 'off', false)).toBe(SOURCE.replace('disabled: true # was off', 'disabled: false # was off'));
    expect(setTriggerDisabled(SOURCE, 'off', true)).toBe(SOURCE);
  });

  it('leaves an enabled trigger as written when asked to enable it', () => {
    expect(setTriggerDisabled(SOURCE, 'webhook', false)).toBe(SOURCE);
  });

  it('answers undefined for an unknown trigger or a flow without triggers', () => {
    expect(setTriggerDisabled(SOURCE, 'nope', true)).toBeUndefined();
    expect(setTriggerDisabled('id: a\nnamespace: b\ntasks: []\n', 'webhook', true)).toBeUndefined();
  });

  it('handles a last line without a newline', () => {
    expect(setTriggerDisabled('triggers:\n  - id: a\n    type: t', 'a', true)).toBe('triggers:\n  - id: a\n    type: t\n    disabled: true\n');
  });
});
