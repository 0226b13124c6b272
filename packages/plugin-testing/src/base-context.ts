import { coreErrors, type BaseContext } from '@sluice/core';
import { isTruthy, renderTemplate } from '@sluice/engine';
import { createRecordingLogger, type RecordedLog } from './recording-logger.js';

/**
 * What both mock contexts accept.
 * @public
 */
export interface MockContextOptions {
  /**
   * The variables templates are rendered with, e.g. `{ flow: { id: 'hello' }, inputs: { name: 'Ada' } }`.
   * Variables passed to `render(template, extra)` win on a name clash, as in the host.
   */
  readonly variables?: Readonly<Record<string, unknown>>;
  /** Secrets by name, returned by `secret(name)` and by `{{ secret('NAME') }}` (plain values, not base64). */
  readonly secrets?: Readonly<Record<string, string>>;
  /** The clock behind `{{ now() }}`; the real clock when omitted. */
  readonly now?: () => Date;
}

/**
 * The parts every mock context shares, beside the real {@link BaseContext} members.
 * @public
 */
export interface MockContextControls {
  /** Every line logged through `logger`, in order. */
  readonly logs: RecordedLog[];
  /** The controller behind `signal`. */
  readonly controller: AbortController;
  /** Fires `signal`, as the host does on a timeout, a kill or a shutdown. */
  abort(reason?: unknown): void;
  /** The names `secret()` was asked for, in order, whether they existed or not. */
  readonly secretsRead: string[];
}

/** Builds the shared members; the task and trigger contexts add their ids. */
export function createBaseContext(options: MockContextOptions): BaseContext & MockContextControls {
  const logs: RecordedLog[] = [];
  const secretsRead: string[] = [];
  const controller = new AbortController();
  const secrets = options.secrets ?? {};
  const variables = options.variables ?? {};

  const secret = (name: string): string => {
    secretsRead.push(name);
    // Object.hasOwn: a secret named `constructor` must not find Object.prototype's.
    const value = Object.hasOwn(secrets, name) ? secrets[name] : undefined;
    if (value === undefined) throw coreErrors.CORE_SECRET_NOT_FOUND(name);
    return value;
  };
  const functions = options.now === undefined ? { secret } : { secret, now: options.now };
  const render = (template: string, extra?: Readonly<Record<string, unknown>>): string =>
    renderTemplate(template, { ...variables, ...extra }, { functions });

  return {
    logger: createRecordingLogger(logs),
    signal: controller.signal,
    secret,
    render,
    test: (template, extra) => isTruthy(render(template, extra)),
    logs,
    controller,
    abort: (reason?: unknown) => controller.abort(reason),
    secretsRead,
  };
}
