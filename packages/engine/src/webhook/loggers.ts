import { pluginLoggerFrom, type LogLevel, type PluginLogger } from '@sluice/core';

/** A logger that drops every line: what a webhook dispatch logs to when the host passes none. */
export const silentLogger: PluginLogger = Object.freeze(pluginLoggerFrom(() => undefined));

/** `logger` with `mask` applied to every message, so a trigger's lines never carry its secrets. */
export function maskedLogger(logger: PluginLogger, mask: (text: string) => string): PluginLogger {
  // Each method forwards to its own counterpart, so a host logger that overrides only `warn`
  // (or only `log`) sees every line it expects.
  const m = (message: string) => mask(String(message));
  return {
    log: (level: LogLevel, message: string) => logger.log(level, m(message)),
    trace: (message) => logger.trace(m(message)),
    debug: (message) => logger.debug(m(message)),
    info: (message) => logger.info(m(message)),
    warn: (message) => logger.warn(m(message)),
    error: (message) => logger.error(m(message)),
  };
}
