import { LOG_LEVELS, pluginLoggerFrom, type LogLevel, type PluginLogger } from '@sluice/core';

/**
 * One line a plugin wrote through its context's logger.
 * @public
 */
export interface RecordedLog {
  /** The level it was written at. */
  readonly level: LogLevel;
  /** The text, exactly as written (the host would mask secrets; this records what the plugin wrote). */
  readonly message: string;
}

/**
 * A {@link PluginLogger} that appends every line to `logs`, in order, so a test can assert
 * exactly what a plugin logged.
 * @public
 */
export function createRecordingLogger(logs: RecordedLog[]): PluginLogger {
  return pluginLoggerFrom((level: LogLevel, message: string): void => {
    // Plugins written in JavaScript may pass anything; record what a host would store.
    logs.push({ level: LOG_LEVELS.includes(level) ? level : 'INFO', message: String(message) });
  });
}
