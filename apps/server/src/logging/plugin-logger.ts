import type { LogLevel, PluginLogger } from '@sluice/core';
import type { Logger } from 'pino';

const PINO_LEVEL: Readonly<Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'>> = {
  TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error',
};

/**
 * A plugin logger writing to the server log, for what plugins say outside an execution (a
 * webhook trigger skipping a request). The engine masks secrets before a line gets here.
 */
export function pluginLogger(logger: Logger): PluginLogger {
  const log = (level: LogLevel, message: string): void => logger[PINO_LEVEL[level]](message);
  return {
    log,
    trace: (m) => log('TRACE', m),
    debug: (m) => log('DEBUG', m),
    info: (m) => log('INFO', m),
    warn: (m) => log('WARN', m),
    error: (m) => log('ERROR', m),
  };
}
