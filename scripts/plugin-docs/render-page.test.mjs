import { describe, expect, it } from 'vitest';
import { GENERATED_NOTE, cell, fence, pageFileName, renderIndexPage, renderPluginPage } from './render-page.mjs';
// Real definitions, from the sources: the page must render what plugins actually declare.
import { Dynamic, Type, defineTask } from '../../packages/core/src/index.ts';
import { log } from '../../plugins/core-log/src/index.ts';
import { webhook } from '../../plugins/trigger-webhook/src/index.ts';

const pkg = { name: '@sluice/plugin-example', version: '1.2.3' };
const entry = (definition, kind = 'task') => ({ kind, type: definition.type, definition, package: pkg });

const sample = defineTask({
  type: 'com.example.Sample',
  aliases: ['com.example.OldSample'],
  title: 'A sample',
  description: 'Does *sample* things.\n',
  props: Type.Object(
    {
      name: Dynamic(Type.String({ description: 'Who | what.' })),
      mode: Type.Optional(Type.Union([Type.Literal('a'), Type.Literal('b')], { default: 'a', description: 'The mode.' })),
      items: Type.Optional(Type.Array(Type.Object({ id: Type.Integer({ description: 'An id.' }) }, { description: 'One item.' }), { description: 'Items.' })),
      raw: Type.Optional(Dynamic(Type.Record(Type.String(), Type.Unknown(), { description: 'Raw values.' }), { renderedBy: 'plugin' })),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    count: Type.Integer({ description: 'How many.' }),
    note: Type.Optional(Type.String({ description: 'A note.' })),
  }),
  examples: [
    { title: 'Direct', flow: 'id: a\nnamespace: b\ntasks:\n  - id: s\n    type: com.example.Sample\n    name: x\n', expect: { logs: [{ level: 'WARN', message: 'careful' }] } },
    { title: 'Skipped', flow: 'id: c\nnamespace: b\ntasks: []', request: { method: 'PUT', body: { a: 1 }, query: { q: ['1'] } }, expect: { status: 204 } },
  ],
  run: () => ({ count: 1 }),
});

describe('renderPluginPage', () => {
  const page = renderPluginPage(entry(sample));

  it('says in its first line that it is generated, and by what command', () => {
    expect(page.split('\n')[0]).toBe(GENERATED_NOTE);
    expect(GENERATED_NOTE).toContain('pnpm docs:plugins');
    expect(page.endsWith('\n')).toBe(true);
    expect(page.endsWith('\n\n')).toBe(false);
  });

  it('shows the title, type, kind, aliases, package and description', () => {
    expect(page).toContain('# A sample\n');
    expect(page).toContain('- Type: `com.example.Sample`\n- Kind: task\n- Aliases: `com.example.OldSample`');
    expect(page).toContain('- Package: `@sluice/plugin-example` 1.2.3\n\nDoes *sample* things.\n');
  });

  it('lists every prop with its type, whether required, its default, who renders it and its description', () => {
    expect(page).toContain('| Name | Type | Required | Default | Dynamic | Description |');
    expect(page).toContain('| `name` | string | yes |  | yes | Who \\| what. |');
    expect(page).toContain('| `mode` | `a` \\| `b` | no | `a` | no | The mode. |');
    expect(page).toContain('| `items` | list of objects | no |  | no | Items. |');
    expect(page).toContain('| `raw` | map of string to any value | no |  | yes, by the plugin | Raw values. |');
  });

  it('gives an object nested in a prop its own table', () => {
    expect(page).toContain('### Fields of `items[]`\n\nOne item.\n\n| Name | Type | Required | Default | Dynamic | Description |');
    expect(page).toContain('| `id` | integer | yes |  | no | An id. |');
  });

  it('lists the outputs and whether each is always present', () => {
    expect(page).toContain('## Outputs\n\nStored with the task run; later tasks read them as `{{ outputs.<taskId>.<name> }}`.');
    expect(page).toContain('| `count` | integer | yes | How many. |');
    expect(page).toContain('| `note` | string | no | A note. |');
  });

  it('shows every example as a YAML block, with its request and what it must produce', () => {
    expect(page).toContain('### Direct\n\n```yaml\nid: a\nnamespace: b\n');
    expect(page).toContain('The execution ends `SUCCESS` and logs, among other lines:\n\n```text\nWARN  careful\n```');
    // The flow lacked a final newline; the block still closes on its own line.
    expect(page).toContain('tasks: []\n```');
    expect(page).toContain('Started by a `PUT` webhook request with the JSON body `{"a":1}` and the query `{"q":["1"]}`. Answer: `204`.');
    expect(page).toContain('No execution is created: the trigger skips it.');
  });

  it('says a task without outputs has none', () => {
    expect(renderPluginPage(entry(log))).toContain('## Outputs\n\nNone: `{{ outputs.<taskId> }}` is an empty object.');
  });

  it('renders a trigger with its mode and its variables instead of outputs', () => {
    const text = renderPluginPage({ ...entry(webhook, 'trigger') });
    expect(text).toContain('- Kind: trigger (webhook: ');
    expect(text).toContain('## Trigger variables\n\nAn execution this trigger starts reads them as `{{ trigger.<name> }}`.');
    expect(text).toContain('| `headers` | map of string to list of strings | yes |');
    expect(text).toContain('### Fields of `conditions[]`');
    expect(text).not.toContain('## Outputs');
  });

  it('renders the Log task as its README documents it', () => {
    const text = renderPluginPage(entry(log));
    expect(text).toContain('| `message` | string or list of strings | yes |  | yes |');
    expect(text).toContain('| `level` | `TRACE` \\| `DEBUG` \\| `INFO` \\| `WARN` \\| `ERROR` | no | `INFO` | yes |');
    expect(text).toContain('```yaml\nid: trigger\nnamespace: company.team\n');
  });
});

describe('page helpers', () => {
  it('escapes table cells and keeps them on one line', () => {
    expect(cell('a | b\nc')).toBe('a \\| b<br>c');
  });

  it('fences content with a fence longer than any backticks inside', () => {
    expect(fence('plain', 'yaml')).toBe('```yaml\nplain\n```');
    expect(fence('has ```` inside\n')).toBe('`````\nhas ```` inside\n`````');
  });

  it('names pages after their type and indexes them sorted by type', () => {
    expect(pageFileName('io.kestra.plugin.core.log.Log')).toBe('io.kestra.plugin.core.log.Log.md');
    const index = renderIndexPage([entry(sample), entry(log)]);
    expect(index.split('\n')[0]).toBe(GENERATED_NOTE);
    const rows = index.split('\n').filter((line) => line.startsWith('| ['));
    expect(rows).toEqual([
      '| [`com.example.Sample`](com.example.Sample.md) | task | A sample | `@sluice/plugin-example` |',
      '| [`io.kestra.plugin.core.log.Log`](io.kestra.plugin.core.log.Log.md) | task | Log a message | `@sluice/plugin-example` |',
    ]);
  });
});
