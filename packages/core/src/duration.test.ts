import { describe, expect, it } from 'vitest';
import { durationMs, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it("reads Kestra's ISO-8601 durations, in any case, with fractional seconds", () => {
    expect(['PT60S', 'PT5M', 'PT1H30M', 'P1D', 'pt0.5s', 'PT1,5S'].map(parseDuration)).toEqual([60_000, 300_000, 5_400_000, 86_400_000, 500, 1500]);
  });
  it('throws on anything else, an empty P or PT included', () => {
    for (const text of ['60s', 'PT', 'P', '1 minute']) expect(() => parseDuration(text)).toThrow(/not an ISO-8601 duration/);
  });
});

describe('durationMs', () => {
  it('answers undefined where parseDuration throws', () => {
    expect(durationMs('PT0.25s')).toBe(250);
    for (const text of ['60s', 'PT', 'P', '1 minute', 'P1DT']) expect(durationMs(text)).toBeUndefined();
  });
});
