import { pluginLoggerFrom, type LogLevel, type PluginLogger } from '@sluice/core';
import type { Logger } from 'pino';

const PINO_LEVEL: Readonly<Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'>> = {
  TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error',
};

/**
 * A plugin logger writing to the server log, for what plugins say outside an execution (a
 * webhook trigger skipping a request). The engine masks secrets before a line gets here.
 */
export function pluginLogger(logger: Logger): PluginLogger {
  return pluginLoggerFrom((level: LogLevel, message: string) => logger[PINO_LEVEL[level]](message));
}
