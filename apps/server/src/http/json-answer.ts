import { stringifyJson } from '@sluice/core';
import type { Context } from 'koa';

/** The Content-Type Koa gives an object body (`ctx.type = 'json'`), spelled out. */
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Answers `value` as JSON text, written here: what an object body becomes by the answers
 * middleware, byte for byte and with the same Content-Type, without Koa's type look-up and a
 * second body set. For the answers every webhook gets.
 */
export function answerJson(ctx: Context, value: unknown): void {
  ctx.set('Content-Type', JSON_TYPE);
  ctx.body = stringifyJson(value);
}
