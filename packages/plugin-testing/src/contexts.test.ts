import { describe, expect, it } from 'vitest';
import { coreErrors, isSluiceError } from '@sluice/core';
import { createTaskContext } from './task-context.js';
import { createTriggerContext } from './trigger-context.js';

describe('createTaskContext', () => {
  it('records log lines in order, at their level', () => {
    const ctx = createTaskContext();
    ctx.logger.info('one');
    ctx.logger.warn('two');
    ctx.logger.log('TRACE', 'three');
    ctx.logger.error('four');
    ctx.logger.debug('five');
    expect(ctx.logs).toEqual([
      { level: 'INFO', message: 'one' },
      { level: 'WARN', message: 'two' },
      { level: 'TRACE', message: 'three' },
      { level: 'ERROR', message: 'four' },
      { level: 'DEBUG', message: 'five' },
    ]);
  });

  it('has fixed default ids, each overridable', () => {
    const ctx = createTaskContext({ ids: { taskId: 'mine', attempt: 2 } });
    expect(ctx.ids).toMatchObject({ tenantId: 'main', namespace: 'company.team', flowId: 'test_flow', taskId: 'mine', attempt: 2 });
  });

  it('reads secrets from the map, and throws the core code for a missing one', () => {
    const ctx = createTaskContext({ secrets: { TOKEN: 's3cret' } });
    expect(ctx.secret('TOKEN')).toBe('s3cret');
    let error: unknown;
    try {
      ctx.secret('constructor');
    } catch (e) {
      error = e;
    }
    expect(isSluiceError(error) && error.code).toBe(coreErrors.codes.CORE_SECRET_NOT_FOUND);
    expect(ctx.secretsRead).toEqual(['TOKEN', 'constructor']);
  });

  it('renders templates with the engine, its variables, the ids and extra variables', () => {
    const ctx = createTaskContext({ variables: { inputs: { name: 'Ada' } }, secrets: { K: 'v' } });
    expect(ctx.render('Hello {{ inputs.name }} from {{ flow.id }}')).toBe('Hello Ada from test_flow');
    expect(ctx.render('{{ inputs.name }}', { inputs: { name: 'Grace' } })).toBe('Grace');
    expect(ctx.render("{{ secret('K') }}")).toBe('v');
  });

  it('uses the injected clock for now()', () => {
    const ctx = createTaskContext({ now: () => new Date('2026-01-02T03:04:05Z') });
    expect(ctx.render("{{ now() | date('yyyy') }}")).toBe('2026');
  });

  it("tests templates for truth the way Kestra does", () => {
    const ctx = createTaskContext({ variables: { n: 0 } });
    expect(ctx.test('{{ 1 == 1 }}')).toBe(true);
    expect(ctx.test('{{ 1 == 2 }}')).toBe(false);
    expect(ctx.test('{{ n }}')).toBe(false);
    expect(ctx.test('anything')).toBe(true);
  });

  it('fails on an undefined variable, as the host does', () => {
    const ctx = createTaskContext();
    expect(() => ctx.render('{{ nope.deeper }}')).toThrow();
  });

  it('fires its signal on abort()', () => {
    const ctx = createTaskContext();
    expect(ctx.signal.aborted).toBe(false);
    ctx.abort('timeout');
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe('timeout');
  });
});

describe('createTriggerContext', () => {
  it('has trigger ids and sees flow and trigger variables', () => {
    const ctx = createTriggerContext({ ids: { flowId: 'hooked', triggerId: 'hook' } });
    expect(ctx.ids).toEqual({ tenantId: 'main', namespace: 'company.team', flowId: 'hooked', flowRevision: 1, triggerId: 'hook' });
    expect(ctx.render('{{ flow.id }}/{{ trigger.id }}')).toBe('hooked/hook');
    expect(ctx.render('{{ trigger.body.a }}', { trigger: { body: { a: 'x' } } })).toBe('x');
  });

  it('records logs and aborts like the task context', () => {
    const ctx = createTriggerContext();
    ctx.logger.debug('d');
    ctx.abort();
    expect(ctx.logs).toEqual([{ level: 'DEBUG', message: 'd' }]);
    expect(ctx.signal.aborted).toBe(true);
  });

  it('records what the trigger rejects, and logs it at ERROR as the host does', () => {
    const ctx = createTriggerContext();
    ctx.reject('payload is not JSON');
    expect(ctx.rejected).toEqual(['payload is not JSON']);
    expect(ctx.logs).toEqual([{ level: 'ERROR', message: 'payload is not JSON' }]);
  });
});
