import { describe, expect, it } from 'vitest';
import { testRegistry } from '../../test/fixtures/test-plugins.js';
import { parseIsoDuration } from '../execution/iso-duration.js';
import { parseFlow } from './parse.js';

const registry = testRegistry();
const withTimeout = (timeout: string) => `id: durations
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
    timeout: ${timeout}
`;
const problems = (timeout: string) => {
  const result = parseFlow(withTimeout(timeout), registry);
  return result.ok ? [] : result.errors.map((e) => e.path);
};

describe('durations in the flow envelope', () => {
  it('are accepted in any case, as Java reads them, and mean the same at run time', () => {
    for (const [text, ms] of [['PT0.25s', 250], ['pt1m', 60_000], ['P1dT2h', 93_600_000], ['PT30S', 30_000], ['PT0,5S', 500]] as const) {
      expect(problems(text)).toEqual([]);
      expect(parseIsoDuration(text)).toBe(ms);
    }
  });

  it('refuse what is not a duration, or a negative one, at save', () => {
    for (const text of ['10s', 'P', 'PT', 'P1DT', '-PT1S', 'P1M2D']) expect(problems(text)).toEqual(['tasks[0].timeout']);
  });
});
