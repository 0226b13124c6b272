/**
 * Log levels, in Kestra's (SLF4J's) order from the most verbose to the most severe.
 * @public
 */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/** @public */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * A logger bound to one task run (or one trigger evaluation). Every line it writes is stored
 * as a log entry of the execution, tagged with the ids of the run, and shown by the API.
 *
 * Secrets read through the context are masked by the host before a line is stored.
 *
 * @public
 */
export interface PluginLogger {
  /** Writes `message` at `level`. */
  log(level: LogLevel, message: string): void;
  /** Writes `message` at TRACE. */
  trace(message: string): void;
  /** Writes `message` at DEBUG. */
  debug(message: string): void;
  /** Writes `message` at INFO. */
  info(message: string): void;
  /** Writes `message` at WARN. */
  warn(message: string): void;
  /** Writes `message` at ERROR. */
  error(message: string): void;
}

/**
 * True when `level` is at least as severe as `minimum`.
 * @public
 */
export function isLevelEnabled(level: LogLevel, minimum: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(minimum);
}

/**
 * A {@link PluginLogger} whose per-level methods all go through `log`, for hosts and test kits
 * that store or forward lines: they write one function, not six.
 * @public
 */
export function pluginLoggerFrom(log: (level: LogLevel, message: string) => void): PluginLogger {
  return {
    log,
    trace: (message) => log('TRACE', message),
    debug: (message) => log('DEBUG', message),
    info: (message) => log('INFO', message),
    warn: (message) => log('WARN', message),
    error: (message) => log('ERROR', message),
  };
}
