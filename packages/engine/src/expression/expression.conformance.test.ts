/**
 * Conformance with Kestra's expression language, row by row. Rows come from Kestra's expression
 * docs (operators, tags and tests; filter and function reference) and from Kestra's own tests
 * where the docs are silent (`null ??? 'IS NULL'` renders nothing).
 */
import { coreErrors, isSluiceError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { renderTemplate, type RenderOptions } from './index.js';

const variables = {
  trigger: {
    body: { name: 'Ada', age: 36, tags: ['a', 'b'], nested: { deep: 1 }, empty: '', nothing: null },
    headers: { 'x-id': ['abc-123'], 'content-type': ['application/json'] },
    parameters: { page: ['2'] },
  },
  outputs: {
    task1: { value: 'hello' },
    'my-task': { uri: 'kestra://x' },
    generate: { value: '[{"name": "alpha", "value": 1}, {"name": "bravo", "value": 2}]' },
  },
  flow: { id: 'hello', namespace: 'company.team' },
  execution: { id: 'abc', startDate: '2024-01-15T10:30:00.123456Z' },
  inputs: {
    mainString: 'hello world',
    subString: 'world',
    payload: {
      name: 'John Doe',
      score: { English: 72, Maths: 88, French: 95, Spanish: 85, Science: 91 },
      address: { city: 'Paris', country: 'France' },
      graduation_years: [2020, 2021, 2022, 2023],
    },
  },
  labels: { env: 'prod' },
  users: [
    { name: 'Ann', city: 'Paris' },
    { name: 'Bob', city: 'Rome' },
  ],
  map: { apple: 'red', banana: 'yellow' },
  foo: null,
  bar: 'BAR',
  zero: 0,
  list: [],
  text: '{{ 7*7 }}',
  stringDate: '2024-January-5',
};

const SECRETS: Readonly<Record<string, string>> = { MY_SECRET: 's3cr3t' };
const options: RenderOptions = {
  functions: {
    now: () => new Date('2024-01-15T10:30:00.000Z'),
    secret: (name) => {
      const value = SECRETS[name];
      if (value === undefined) throw coreErrors.CORE_SECRET_NOT_FOUND(name);
      return value;
    },
  },
};

type Row = readonly [template: string, expected: string] | readonly [template: string, error: { code: string; details?: Record<string, unknown> }];

const rows: readonly Row[] = [
  // Variables and member access.
  ['Hello {{ trigger.body.name }}!', 'Hello Ada!'],
  ["{{ trigger.headers['x-id'][0] }}", 'abc-123'],
  ['{{ outputs.task1.value }}', 'hello'],
  ["{{ outputs['my-task'].uri }}", 'kestra://x'],
  ['{{ flow.namespace }}.{{ flow.id }}', 'company.team.hello'],
  ['{{ trigger.parameters.page[0] | number + 1 }}', '3'],
  ['{{ users.length }}', '2'],
  ['{{ inputs.payload.address.city }}, {{ inputs.payload.address.country | upper }}', 'Paris, FRANCE'],
  // Output conversion.
  ['{{ trigger.body }}', '{"name":"Ada","age":36,"tags":["a","b"],"nested":{"deep":1},"empty":""}'],
  ['{{ trigger.body.tags }}', '["a","b"]'],
  ['[{{ trigger.body.nothing }}]', '[]'],
  ['{{ 2.50 }} {{ 10.0 }} {{ 36 }}', '2.5 10 36'],
  ['{{ true }} {{ false }}', 'true false'],
  ["{{ {'a': {'b': 1}} }}", '{"a":{"b":1}}'],
  ['{{ "}}" }}', '}}'],
  ['{{ text }}', '{{ 7*7 }}'],
  // Literals and strings.
  ['{{ "a\\"b" }} {{ \'it\\\'s\' }}', 'a"b it\'s'],
  ['{{ "tab\\there" }}', 'tab\there'],
  ['{{ 1..3 }}', '[1,2,3]'],
  ["{{ ['a', 1, null, true] }}", '["a",1,null,true]'],
  // Arithmetic and concatenation.
  ['{{ 1 + 2 }}', '3'],
  ['{{ 2 + 2 / (10 % 3) * (8 - 1) }}', '16'],
  ['{{ 5 / 2 }}', '2'],
  ['{{ 1.5 * 2 }} {{ 7.5 / 2.5 }}', '3 3'],
  ['{{ (1 + 2) * 3 }} {{ -2 * 3 }}', '9 -6'],
  ['{{ "apple" ~ "pear" ~ "banana" }}', 'applepearbanana'],
  ["{{ 'a' ~ 1 ~ true }}", 'a1true'],
  ["{{ 'Hello ' + trigger.body.name }}", 'Hello Ada'],
  ["{{ 'x' ~ [1, 2] }}", 'x[1,2]'],
  ['{{ inputs.payload.score.English + inputs.payload.score.French + inputs.payload.score.Spanish }}', '252'],
  // Comparisons and logic.
  ["{{ 1 == 1.0 }} {{ 'a' != 'b' }} {{ 3 >= 3 }} {{ 'abc' < 'abd' }}", 'true true true true'],
  ['{{ 3 > 2 and 1 > 2 }} {{ false or true }} {{ not true }} {{ not foo }}', 'false true false true'],
  ["{{ labels.env == 'prod' ? 'P' : 'D' }}", 'P'],
  ["{{ trigger.body.age > 18 ? 'adult' : 'minor' }}", 'adult'],
  ["{{ foo == null ? bar : 'baz' }}", 'BAR'],
  // Null and undefined coalescing.
  ['{{ foo ?? bar ?? "default" }}', 'BAR'],
  ["{{ missing ?? 'fallback' }}", 'fallback'],
  ["{{ missing.deep.path ?? 'fallback' }}", 'fallback'],
  ["[{{ foo ??? 'default' }}]", '[]'],
  ["{{ undefinedVar ??? 'IS UNDEFINED' }}", 'IS UNDEFINED'],
  ["[{{ null ??? 'IS NULL' }}]", '[]'],
  ["{{ foo ?? 'x' | upper }}", 'X'],
  // Tests.
  ['{{ missing is defined }} {{ trigger.body.name is defined }} {{ missing.sub is not defined }}', 'false true true'],
  ['{{ foo is null }} {{ bar is not null }}', 'true true'],
  ['{{ foo is defined }} {{ foo is not defined }} {{ bar is defined }}', 'false true true'],
  ['{{ list is empty }} {{ trigger.body.empty is empty }} {{ users is empty }}', 'true true false'],
  ['{% if 2 is even and 3 is odd %}yes{% endif %}', 'yes'],
  ['{% if (3 is not even) and (2 is odd or 3 is even) %}yes{% else %}no{% endif %}', 'no'],
  ['{{ users is iterable }} {{ map is map }}', 'true true'],
  ['{{ \'{"test": 1}\' is json }} {{ \'nope\' is json }}', 'true false'],
  // contains.
  ['{% if ["apple", "pear", "banana"] contains "apple" %}yes{% endif %}', 'yes'],
  ['{% if {"apple": "red", "banana": "yellow"} contains "banana" %}yes{% endif %}', 'yes'],
  ['{{ ["apple", "pear", "banana", "peach"] contains ["apple", "peach"] }}', 'true'],
  ['{{ inputs.mainString contains inputs.subString }}', 'true'],
  // Tags.
  ['{% set header = "Welcome Page" %}{{ header }}', 'Welcome Page'],
  ['{% if users is empty %}none{% elseif users | length == 1 %}one{% else %}many{% endif %}', 'many'],
  ['{% for user in users %}{{ loop.index }}:{{ user.name }}{% if loop.last %} (last){% else %}, {% endif %}{% endfor %}', '0:Ann, 1:Bob (last)'],
  ['{% for u in users %}{{ loop.length }}{{ loop.first }}{{ loop.revindex }} {% endfor %}', '2true1 2false0 '],
  ['{% for x in list %}{{ x }}{% else %}No users found.{% endfor %}', 'No users found.'],
  ['{% for entry in map %}{{ entry.key }}={{ entry.value }};{% endfor %}', 'apple=red;banana=yellow;'],
  ['{% for k, v in map %}{{ k }}:{{ v }} {% endfor %}', 'apple:red banana:yellow '],
  ['{% for i in 1..3 %}{{ i }}{% endfor %}', '123'],
  ['{% set total = 0 %}{% for n in [1, 2, 3] %}{% set total = total + n %}{% endfor %}{{ total }}', '6'],
  ["{% for n in [1] %}{% set inner = 'x' %}{% endfor %}{{ inner ?? 'loop-scoped' }}", 'loop-scoped'],
  ['{% raw %}{{ user.name }}{% endraw %}', '{{ user.name }}'],
  ['Hello {# a comment #}World', 'Hello World'],
  ["a  {{- 'b' -}}  c", 'abc'],
  ['{%- if true -%}  x  {%- endif -%}', 'x'],
  ["line1\n{{- ' x' }}\n", 'line1 x\n'],
  // Functions.
  ['{{ range(0, 3) }} {{ range(0, 10, 5) }}', '[0,1,2,3] [0,5,10]'],
  ['{{ max(1, 5, 3) }} {{ min(1, 5, 3) }}', '5 1'],
  ['{{ fromJson(outputs.generate.value)[0].name }}', 'alpha'],
  ['{{ fromJson(\'{"a": [1, 2]}\').a[1] }} {{ json(\'{"a": 1}\').a }}', '2 1'],
  ["{{ secret('MY_SECRET') }}", 's3cr3t'],
  ["{{ secret('NOPE') }}", { code: 'CORE_SECRET_NOT_FOUND' }],
  ['{{ uuid() | length }}', '36'],
  ['{{ now() }}', '2024-01-15T10:30:00.000Z'],
  // String filters.
  ['{{ "LOUD TEXT" | lower }} {{ trigger.body.name | upper }}', 'loud text ADA'],
  ['[{{ "  padded  " | trim }}]', '[padded]'],
  ['{{ "article title" | title }} {{ "hello world" | capitalize }}', 'Article Title Hello world'],
  ["{{ 'mcDonald and\tco' | title }}", 'McDonald And\tCo'],
  ['{{ user.phoneNumber | default("No phone number") }}', 'No phone number'],
  ["{{ trigger.body.empty | default('x') }} {{ zero | default(5) }}", 'x 0'],
  ["{{ 'a' | default('b') | upper }}", 'A'],
  ['{{ "this is a long sentence." | abbreviate(7) }}', 'this...'],
  ['{{ "Hello World!" | slugify }}', 'hello-world'],
  ['{{ "I like %this% and %that%." | replace({\'%this%\': trigger.body.name, \'%that%\': "bar"}) }}', 'I like Ada and bar.'],
  ["{{ 'a-b-c' | replace('-', '+') }}", 'a+b+c'],
  ["{{ 'apple,banana,cherry' | split(',') }}", '["apple","banana","cherry"]'],
  ["{{ 'a.b.c' | substringBeforeLast('.') }} {{ 'a.b.c' | substringAfterLast('.') }}", 'a.b c'],
  ["{{ 'a.b.c' | substringBefore('.') }} {{ 'a.b.c' | substringAfter('.') }}", 'a b.c'],
  ["{{ 'hello' | startsWith('he') }} {{ 'hello' | endsWith('x') }}", 'true false'],
  ['{{ "x" ~ "y" | upper }}', 'XY'],
  ['{{ 42 | string }}', '42'],
  ['{{ "it\'s" | escapeChar(\'single\') }} {{ "it\'s" | escapeChar(\'shell\') }}', "it\\'s it'\\''s"],
  ['{{ "a\\nb" | indent(2) }}|{{ "a\\nb" | nindent(2) }}', 'a\n  b|\n  a\n  b'],
  // Encoding filters.
  ['{{ "dGVzdA==" | base64decode }} {{ \'test\' | base64encode }}', 'test dGVzdA=='],
  ['{{ "test" | sha256 }}', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
  ["{{ 'test' | md5 }} {{ 'test' | sha1 }}", '098f6bcd4621d373cade4e832627b4f6 a94a8fe5ccb19ba61c4c0873d391e987982fbbd3'],
  [
    "{{ 'test' | sha512 }}",
    'ee26b0dd4af7e749aa1a8ee3c10ae9923f618980772e473f8819a5d4940e0db27ac185f8a0e1d5f84f88bc887fd67b143732c304cc5fa9ad8e6f57f50028a8ff',
  ],
  ['{{ "The string ü@foo-bar" | urlencode }}', 'The+string+%C3%BC%40foo-bar'],
  ["{{ 'a+b%20c' | urldecode }}", 'a b c'],
  // Collection and JSON filters.
  ['{{ [1, 2, 3] | toJson }} {{ true | toJson }} {{ "foo" | toJson }} {{ null | toJson }}', '[1,2,3] true "foo" null'],
  ["{{ {'a': null, 'b': 1} | toJson }} {{ {'a': null} | toJson(includeNulls=true) }}", '{"b":1} {"a":null}'],
  ['{{ trigger.body.nested | json }}', '{"deep":1}'],
  ["{{ ['apple', 'banana'] | first }} {{ ['apple', 'banana'] | last }}", 'apple banana'],
  ["{{ ['apple', 'banana'] | join(', ') }} {{ trigger.body.tags | join('|') }}", 'apple, banana a|b'],
  ["{{ {'foo': 'bar', 'baz': 'qux'} | keys }} {{ {'foo': 'bar', 'baz': 'qux'} | values }}", '["foo","baz"] ["bar","qux"]'],
  ['{{ [3, 1, 2] | sort }} {{ [3, 1, 2] | rsort }} {{ [3, 1, 2] | reverse }}', '[1,2,3] [3,2,1] [2,1,3]'],
  ["{{ ['apple', 'banana', 'cherry'] | slice(1, 2) }}", '["banana"]'],
  ['{{ [1, 2, 3, 4, 5] | chunk(2) }}', '[[1,2],[3,4],[5]]'],
  ['{{ [1, 1, 2] | distinct }} {{ [[1, 2], [3], 4] | flatten }}', '[1,2] [1,2,3,4]'],
  ["{{ [1] | merge([2]) }} {{ {'a': 1} | merge({'b': 2}) }}", '[1,2] {"a":1,"b":2}'],
  ['{{ "12.3" | number }} {{ "42" | number(\'INT\') + 1 }}', '12.3 43'],
  ['{{ -7 | abs }} {{ [1, 2, 3] | length }} {{ inputs.payload.score | length }}', '7 3 5'],
  ['{{ inputs.payload.graduation_years | first }} {{ inputs.payload.graduation_years | last }}', '2020 2023'],
  // Date filters (the clock is fixed at 2024-01-15T10:30:00Z).
  ["{{ now() | date('yyyy-MM-dd') }}", '2024-01-15'],
  ['{{ execution.startDate | date("yyyy-MM-dd\'T\'HH:mm:ss.SSSSSSXXX") }}', '2024-01-15T10:30:00.123456Z'],
  ["{{ execution.startDate | date('iso') }} {{ execution.startDate | date }}", '2024-01-15T10:30:00.123456Z 2024-01-15T10:30:00.123456Z'],
  ['{{ now() | date("yyyy-MM-dd\'T\'HH:mm:ssX", timeZone="UTC") }}', '2024-01-15T10:30:00Z'],
  ["{{ now() | date('HH:mm XXX', timeZone='Europe/Paris') }}", '11:30 +01:00'],
  ["{{ now() | date('EEE, d MMM yyyy') }} {{ now() | date(format='yy/M/d H') }}", 'Mon, 15 Jan 2024 24/1/15 10'],
  ["{{ now() | date('sql') }} {{ now() | date('iso_date_time') }}", '2024-01-15 10:30:00.000000 2024-01-15T10:30:00Z'],
  ["{{ now() | dateAdd(-1, 'DAYS') }}", '2024-01-14T10:30:00.000000Z'],
  ["{{ now() | dateAdd(1, 'MONTHS') | date('yyyy-MM-dd') }}", '2024-02-15'],
  ["{{ '2024-01-31T00:00:00Z' | dateAdd(1, 'MONTHS', format='yyyy-MM-dd') }}", '2024-02-29'],
  ['{{ now() | timestamp }} {{ execution.startDate | timestampMicro }} {{ now() | timestampNano }}', '1705314600 1705314600123456 1705314600000000000'],
  ["{{ 1705314600 | date('yyyy-MM-dd HH:mm') }}", '2024-01-15 10:30'],
  ['{{ stringDate | date(existingFormat="yyyy-MMMM-d", format="yyyy/MMMM/d") }}', '2024/January/5'],
  // Errors: each names the expression and its position.
  ['{{ trigger.body.nmae }}', { code: 'EXPRESSION_UNDEFINED', details: { name: 'trigger.body.nmae', line: 1, column: 4 } }],
  ['line one\n  {{ missing }}', { code: 'EXPRESSION_UNDEFINED', details: { name: 'missing', expression: '{{ missing }}', line: 2, column: 6 } }],
  ["{{ trigger.headers['x-other'][0] }}", { code: 'EXPRESSION_UNDEFINED', details: { name: "trigger.headers['x-other']" } }],
  ['{{ 1 + }}', { code: 'EXPRESSION_SYNTAX', details: { line: 1, column: 8 } }],
  ['{{ x | nope }}', { code: 'EXPRESSION_SYNTAX' }],
  ['{% if true %}unclosed', { code: 'EXPRESSION_SYNTAX' }],
  ['{% macro x() %}{% endmacro %}', { code: 'EXPRESSION_SYNTAX' }],
  ["{{ 'a' * 2 }}", { code: 'EXPRESSION_EVALUATION' }],
  ['{{ 1 / 0 }}', { code: 'EXPRESSION_EVALUATION' }],
  ['{% for i in range(1, 200000) %}{% endfor %}', { code: 'EXPRESSION_LIMIT' }],
];

describe('expression conformance', () => {
  it('has a healthy number of rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(80);
  });

  it.each(rows.map((row) => [JSON.stringify(row[0]), row] as const))('%s', (_name, row) => {
    const [template, expected] = row;
    if (typeof expected === 'string') {
      expect(renderTemplate(template, variables, options)).toBe(expected);
      return;
    }
    let caught: unknown;
    try {
      renderTemplate(template, variables, options);
    } catch (error) {
      caught = error;
    }
    expect(isSluiceError(caught), `expected ${expected.code}, got ${String(caught)}`).toBe(true);
    if (!isSluiceError(caught)) return;
    expect(caught.code).toBe(expected.code);
    if (expected.details !== undefined) expect(caught.details).toMatchObject(expected.details);
  });
});
