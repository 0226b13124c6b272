import { describe, expect, it } from 'vitest';
import { BRAND_KEY, TASK_BRAND, isSluiceError, renderedBy } from '@sluice/core';
import { createTaskContext } from '@sluice/plugin-testing';
import { OutputValuesOutput, OutputValuesProps, outputValues, outputsErrors } from './index.js';

describe('OutputValues task', () => {
  it('returns the values it was given, of every JSON type, under `values`', async () => {
    const values = { text: 'a', number: 42, flag: true, nothing: null, list: ['x', 1], nested: { key: 'v' } };
    const output = await outputValues.run(createTaskContext(), { values });
    expect(output).toEqual({ values });
  });

  it('returns a copy, so the output does not share the props object', async () => {
    const values = { a: 1 };
    const output = await outputValues.run(createTaskContext(), { values });
    expect(output.values).not.toBe(values);
  });

  it('returns an empty map when values is omitted, and logs nothing', async () => {
    const ctx = createTaskContext();
    expect(await outputValues.run(ctx, {})).toEqual({ values: {} });
    expect(ctx.logs).toEqual([]);
  });

  it('does not render strings again: the host already did, and data is never a template', async () => {
    const output = await outputValues.run(createTaskContext({ variables: { x: 1 } }), { values: { raw: '{{ x }}' } });
    expect(output).toEqual({ values: { raw: '{{ x }}' } });
  });

  it.each([
    ['a string', 'text', "Invalid values type 'string'"],
    ['a list', ['a'], "Invalid values type 'list'"],
    ['null', null, "Invalid values type 'null'"],
  ])('refuses %s with a coded error', (_name, values, message) => {
    try {
      outputValues.run(createTaskContext(), { values } as never);
      expect.unreachable('run should throw');
    } catch (error) {
      expect(isSluiceError(error) && error.code).toBe(outputsErrors.codes.OUTPUT_VALUES_INVALID);
      expect((error as Error).message).toContain(message);
    }
  });
});

describe('OutputValues task definition', () => {
  it("uses Kestra's type", () => {
    expect(outputValues.type).toBe('io.kestra.plugin.core.output.OutputValues');
    expect(outputValues.aliases).toBeUndefined();
    expect(outputValues[BRAND_KEY]).toBe(TASK_BRAND);
  });

  it('lets the host render the whole map, deeply, and defaults it to an empty map', () => {
    const values = OutputValuesProps.properties.values as unknown as { default: unknown; description: string };
    expect(renderedBy(OutputValuesProps.properties.values)).toBe('host');
    expect(values.default).toEqual({});
    expect(values.description).toMatch(/\S/);
    expect(OutputValuesProps.additionalProperties).toBe(false);
  });

  it('declares its output as a map under `values`', () => {
    expect(OutputValuesOutput.required).toEqual(['values']);
    expect(OutputValuesOutput.properties.values.type).toBe('object');
  });
});
