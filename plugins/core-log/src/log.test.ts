import { describe, expect, it } from 'vitest';
import { DYNAMIC_KEYWORD, LOG_LEVELS, TASK_BRAND, BRAND_KEY, isPluginPackage, isSluiceError, renderedBy } from '@sluice/core';
import { createTaskContext } from '@sluice/plugin-testing';
import plugin, { echo, log, LogProps, logErrors } from './index.js';

describe('Log task', () => {
  it('logs the message at INFO when no level is given', async () => {
    const ctx = createTaskContext();
    const output = await log.run(ctx, { message: 'Hello World! 🚀' });
    expect(ctx.logs).toEqual([{ level: 'INFO', message: 'Hello World! 🚀' }]);
    expect(output).toEqual({});
  });

  it('logs one line per list element, in order, never joined', async () => {
    const ctx = createTaskContext();
    await log.run(ctx, { message: ['first', 'second\nstill second', ''] });
    expect(ctx.logs).toEqual([
      { level: 'INFO', message: 'first' },
      { level: 'INFO', message: 'second\nstill second' },
      { level: 'INFO', message: '' },
    ]);
  });

  it('logs nothing for an empty list, as Kestra does', async () => {
    const ctx = createTaskContext();
    await log.run(ctx, { message: [] });
    expect(ctx.logs).toEqual([]);
  });

  it.each(LOG_LEVELS)('logs at %s', async (level) => {
    const ctx = createTaskContext();
    await log.run(ctx, { message: 'm', level });
    expect(ctx.logs).toEqual([{ level, message: 'm' }]);
  });

  it('does not render the message again: the host already did, and data is never a template', async () => {
    const ctx = createTaskContext({ variables: { secretish: 'x' } });
    await log.run(ctx, { message: '{{ secretish }}' });
    expect(ctx.logs).toEqual([{ level: 'INFO', message: '{{ secretish }}' }]);
  });

  it.each([
    [42, "Invalid message type 'number'"],
    [null, "Invalid message type 'null'"],
    [['ok', 3], "Invalid message type 'list containing a non-string'"],
    [{ text: 'x' }, "Invalid message type 'object'"],
  ])('refuses a message of another type (%j) with a coded error', (message, text) => {
    const ctx = createTaskContext();
    const run = () => log.run(ctx, { message } as never);
    expect(run).toThrowError(text);
    try {
      run();
    } catch (error) {
      expect(isSluiceError(error) && error.code).toBe(logErrors.codes.LOG_INVALID_MESSAGE);
    }
    expect(ctx.logs).toEqual([]);
  });

  it('refuses a level that did not render to a known level', () => {
    const ctx = createTaskContext();
    expect(() => log.run(ctx, { message: 'm', level: 'LOUD' } as never)).toThrowError(/Invalid level 'LOUD'/);
  });
});

describe('Log task definition', () => {
  it("uses Kestra's type and keeps the legacy name as an alias", () => {
    expect(log.type).toBe('io.kestra.plugin.core.log.Log');
    expect(log.aliases).toEqual(['io.kestra.core.tasks.log.Log']);
    expect(log[BRAND_KEY]).toBe(TASK_BRAND);
  });

  it('has a strict props schema with a description on every field', () => {
    expect(LogProps.additionalProperties).toBe(false);
    expect(LogProps.required).toEqual(['message']);
    for (const [name, schema] of Object.entries(LogProps.properties)) {
      expect(schema.description, name).toMatch(/\S/);
    }
  });

  it('lets the host render message and level, so an expression level is accepted at save time', () => {
    expect(renderedBy(LogProps.properties.message)).toBe('host');
    expect(renderedBy(LogProps.properties.level)).toBe('host');
    expect((LogProps.properties.level as Record<string, unknown>)[DYNAMIC_KEYWORD]).toBe('host');
  });

  it('declares message as a string or a list of strings, and level as the five levels, INFO by default', () => {
    expect(LogProps.properties.message.anyOf).toEqual([
      expect.objectContaining({ type: 'string' }),
      expect.objectContaining({ type: 'array', items: expect.objectContaining({ type: 'string' }) }),
    ]);
    const level = LogProps.properties.level as unknown as { anyOf: { const: string }[]; default: string };
    expect(level.anyOf.map((option) => option.const)).toEqual([...LOG_LEVELS]);
    expect(level.default).toBe('INFO');
  });

  it('has no outputs, like Kestra\'s VoidOutput', () => {
    expect(log.output.properties).toEqual({});
    expect(log.output.additionalProperties).toBe(false);
  });

  it('is the default export of its package, beside its deprecated forerunner Echo', () => {
    expect(isPluginPackage(plugin)).toBe(true);
    expect(plugin.tasks).toEqual([log, echo]);
    expect(plugin.triggers).toEqual([]);
  });
});
