/**
 * Coded errors. Every error Sluice reports carries a stable `code` that tests, the API and
 * people searching the docs can rely on; the message is for humans and may change.
 *
 * Each package keeps one catalog of its codes. A plugin package makes its own catalog with
 * {@link defineErrorCatalog} and throws through it.
 */

/** Marks an error thrown through this contract, checked instead of `instanceof` (see brand.ts). */
const ERROR_BRAND = 'sluice.error' as const;

/**
 * An error with a stable code.
 *
 * `retryable` tells the host whether running the same task again could succeed (a network
 * blip) or not (a bad prop). `details` holds machine-readable context such as a path.
 *
 * @public
 */
export class SluiceError extends Error {
  /** Brand checked by {@link isSluiceError}. */
  readonly $$sluice = ERROR_BRAND;
  /** Stable code, `UPPER_SNAKE`, prefixed by its package's area (`FLOW_`, `PLUGIN_`, ...). */
  readonly code: string;
  /** Whether the same operation may succeed if tried again. */
  readonly retryable: boolean;
  /** Machine-readable context: paths, names, positions. Never secret values. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: SluiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SluiceError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
  }
}

/** @public */
export interface SluiceErrorOptions {
  /** Whether the same operation may succeed if tried again. Defaults to false. */
  readonly retryable?: boolean;
  /** Machine-readable context. */
  readonly details?: Readonly<Record<string, unknown>>;
  /** The underlying error. */
  readonly cause?: unknown;
}

/**
 * True when `error` is a {@link SluiceError} from any copy of `@sluice/core`, and, when `code`
 * is given, one with that code (`isSluiceError(error, 'RUNTIME_UNAVAILABLE')`).
 * @public
 */
export function isSluiceError(error: unknown, code?: string): error is SluiceError {
  if (typeof error !== 'object' || error === null || (error as { $$sluice?: unknown }).$$sluice !== ERROR_BRAND) return false;
  return code === undefined || (error as SluiceError).code === code;
}

/** One entry of an error catalog: a message template. @public */
export type ErrorTemplate<A extends readonly unknown[]> = (...args: A) => string;

/** A catalog: a factory per code, each returning a {@link SluiceError} with that code. @public */
export type ErrorCatalog<T extends Record<string, ErrorTemplate<never[]>>> = {
  readonly [K in keyof T]: (
    ...args: [...Parameters<T[K]>, options?: SluiceErrorOptions]
  ) => SluiceError;
} & { readonly codes: { readonly [K in keyof T]: K } };

/**
 * Builds an error catalog from message templates keyed by code.
 *
 * @example
 * ```ts
 * export const errors = defineErrorCatalog({
 *   LOG_INVALID_MESSAGE: (type: string) => `message must be a string or a list of strings, got ${type}`,
 * });
 * throw errors.LOG_INVALID_MESSAGE('number');
 * ```
 * @public
 */
export function defineErrorCatalog<T extends Record<string, ErrorTemplate<never[]>>>(templates: T): ErrorCatalog<T> {
  const catalog: Record<string, unknown> = { codes: Object.freeze(Object.fromEntries(Object.keys(templates).map((k) => [k, k]))) };
  for (const [code, template] of Object.entries(templates)) {
    catalog[code] = (...args: unknown[]) => {
      const last = args[args.length - 1];
      const hasOptions = args.length > template.length && typeof last === 'object' && last !== null;
      const options = hasOptions ? (last as SluiceErrorOptions) : {};
      const messageArgs = hasOptions ? args.slice(0, -1) : args;
      return new SluiceError(code, (template as (...a: unknown[]) => string)(...messageArgs), options);
    };
  }
  return Object.freeze(catalog) as ErrorCatalog<T>;
}

/**
 * The codes `@sluice/core` itself raises.
 * @public
 */
export const coreErrors = defineErrorCatalog({
  /** A definition passed to defineTask/defineTrigger/definePluginPackage breaks the contract. */
  CORE_INVALID_DEFINITION: (what: string, problem: string) => `invalid plugin definition ${what}: ${problem}`,
  /** `secret(name)` named a secret the host does not have. */
  CORE_SECRET_NOT_FOUND: (name: string) => `secret '${name}' is not defined`,
  /** A task gave up because its AbortSignal fired (timeout, kill or shutdown). */
  CORE_ABORTED: (reason: string) => `aborted: ${reason}`,
});
