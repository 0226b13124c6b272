/**
 * Kestra's `jq` filter: `{{ outputs.call.body | jq('.items[].id') }}` runs a jq filter on the
 * input and returns the list of every result (so pair it with `| first` for one value). A string
 * input is read as JSON text, as Kestra does with a response body; any other value is written
 * as JSON first; null gives null. jq itself runs, bounded, through jq-runner.ts.
 */
import { runJq } from './jq-runner.js';
import { toJson } from './output.js';
import type { FilterDef } from './registry.js';
import { typeName } from './values.js';

/**
 * jq's message without the data it quotes: jq 1.7 shows the value it failed on
 * (`Cannot iterate over string ("s3cret…")`), and error messages reach logs and API answers.
 * What the filter itself says (a compile error quotes the filter, which is the template) stays.
 */
function withoutData(message: string): string {
  const line = message
    .split('\n')
    .map((text) => text.trim())
    .find((text) => text.startsWith('jq: error')) ?? 'jq failed';
  return line
    .replace(/^jq: error \(at [^)]*\): /, '')
    .replace(/^jq: error: /, '')
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/\((?:[^()]|\([^()]*\))*\)/g, '(…)');
}

export const JQ_FILTERS: Readonly<Record<string, FilterDef>> = {
  jq: {
    params: ['expression'],
    required: 1,
    apply(input, args, ctx) {
      if (input === null || input === undefined) return null;
      const filter = args.expression;
      if (typeof filter !== 'string') return ctx.fail(`jq needs a filter as text, not ${typeName(filter)}`);
      let json: string;
      if (typeof input === 'string') {
        try {
          JSON.parse(input);
        } catch {
          return ctx.fail('jq was given a string that is not JSON');
        }
        json = input;
      } else {
        json = toJson(input, ctx, true);
      }
      // The worker's time is outside the step budget; count its input like serialization does.
      ctx.step(Math.ceil(json.length / 64));
      const result = runJq(json, filter);
      if (!result.ok) {
        if (result.reason === 'limit') return ctx.limit(`jq: ${result.message}`);
        const kind = result.reason === 'compile' ? 'invalid jq filter' : 'jq failed';
        return ctx.fail(`${kind}: ${result.reason === 'compile' ? result.message.split('\n').find((l) => l.startsWith('jq: error')) ?? 'syntax error' : withoutData(result.message)}`);
      }
      ctx.step(result.outputs.length);
      return result.outputs.map((text) => JSON.parse(text) as unknown);
    },
  },
};
