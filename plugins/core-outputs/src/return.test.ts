import { describe, expect, it } from 'vitest';
import { BRAND_KEY, TASK_BRAND, isPluginPackage, isSluiceError, renderedBy } from '@sluice/core';
import { createTaskContext } from '@sluice/plugin-testing';
import plugin, { ReturnOutput, ReturnProps, outputsErrors, outputValues, returnTask } from './index.js';

describe('Return task', () => {
  it('returns the rendered format as value and logs it at DEBUG, as Kestra does', async () => {
    const ctx = createTaskContext();
    const output = await returnTask.run(ctx, { format: 'test_task > 2024-01-01T00:00:00.000Z' });
    expect(output).toEqual({ value: 'test_task > 2024-01-01T00:00:00.000Z' });
    expect(ctx.logs).toEqual([{ level: 'DEBUG', message: 'test_task > 2024-01-01T00:00:00.000Z' }]);
  });

  it('keeps an empty string: it is a value, not a missing one', async () => {
    const ctx = createTaskContext();
    expect(await returnTask.run(ctx, { format: '' })).toEqual({ value: '' });
  });

  it('returns no value when format is omitted, as Kestra does with a null format', async () => {
    const ctx = createTaskContext();
    expect(await returnTask.run(ctx, {})).toEqual({});
    expect(ctx.logs).toEqual([]);
  });

  it('does not render the format again: the host already did, and data is never a template', async () => {
    const ctx = createTaskContext({ variables: { secretish: 'x' } });
    expect(await returnTask.run(ctx, { format: '{{ secretish }}' })).toEqual({ value: '{{ secretish }}' });
  });

  it('refuses a format of another type with a coded error', () => {
    const ctx = createTaskContext();
    try {
      returnTask.run(ctx, { format: 42 } as never);
      expect.unreachable('run should throw');
    } catch (error) {
      expect(isSluiceError(error) && error.code).toBe(outputsErrors.codes.RETURN_INVALID_FORMAT);
      expect((error as Error).message).toBe("Invalid format type 'number': expected a string");
    }
  });
});

describe('Return task definition', () => {
  it("uses Kestra's type and keeps the legacy name as an alias", () => {
    expect(returnTask.type).toBe('io.kestra.plugin.core.debug.Return');
    expect(returnTask.aliases).toEqual(['io.kestra.core.tasks.debugs.Return']);
    expect(returnTask[BRAND_KEY]).toBe(TASK_BRAND);
  });

  it('has a strict props schema whose format the host renders', () => {
    expect(ReturnProps.additionalProperties).toBe(false);
    expect(ReturnProps.required).toBeUndefined();
    expect(renderedBy(ReturnProps.properties.format)).toBe('host');
    expect(ReturnProps.properties.format.description).toMatch(/\S/);
  });

  it('declares its output value as a string, described', () => {
    expect(ReturnOutput.properties.value).toEqual(expect.objectContaining({ type: 'string', description: expect.stringMatching(/\S/) }));
    expect(ReturnOutput.additionalProperties).toBe(false);
  });

  it('shares its package with OutputValues', () => {
    expect(isPluginPackage(plugin)).toBe(true);
    expect(plugin.tasks).toEqual([returnTask, outputValues]);
    expect(plugin.triggers).toEqual([]);
  });
});
