import { LOG_LEVELS, isLevelEnabled, pluginLoggerFrom, type LogLevel, type PluginLogger } from '@sluice/core';
import type { LogEntry } from '../model/execution.js';

/** A plugin logger that buffers {@link LogEntry} records, for its task run's end to store. */
export interface TaskLogger extends PluginLogger {
  /** Stores every buffered line; rejects if an earlier background flush failed. */
  flush(): Promise<void>;
  /**
   * Hands over every buffered line, masked, for the caller to store (with the save of the task
   * run's end), once the background flushes have stored theirs; rejects if one of them failed.
   */
  take(): Promise<readonly LogEntry[]>;
  /**
   * {@link take} at once: the lines, when no background flush is pending or failed (a task that
   * logged less than a batch); undefined otherwise, and then `take` is the way.
   */
  takeNow(): readonly LogEntry[] | undefined;
}

/** Options of {@link createTaskLogger}. */
export interface TaskLoggerOptions {
  /**
   * Makes a line: the ids every line carries (task run, attempt) and these three, as one object
   * literal of fixed keys (see loggerOf). Copying a base of the ids into each line instead
   * (Object.assign) cost a Log task more than rendering its message.
   */
  readonly line: (timestamp: string, level: LogLevel, message: string) => LogEntry;
  readonly now: () => Date;
  /** Lines below this level are dropped (the task's `logLevel`). */
  readonly minLevel?: LogLevel;
  /** Applied to every message when stored: secrets read by the run are masked. */
  readonly mask: (text: string) => string;
  readonly append: (entries: readonly LogEntry[]) => Promise<void>;
  /** Buffered lines that trigger a flush without waiting for the task's end. */
  readonly maxBuffer?: number;
}

const LEVELS: ReadonlySet<unknown> = new Set(LOG_LEVELS);
const isLevel = (value: unknown): value is LogLevel => LEVELS.has(value);

/**
 * A logger bound to one task run. Lines are buffered rather than written one by one, so a
 * chatty task costs one store round trip per batch; they are masked when flushed, so a secret
 * the task reads after logging a line is still masked in it.
 */
export function createTaskLogger(options: TaskLoggerOptions): TaskLogger {
  const maxBuffer = options.maxBuffer ?? 100;
  const { line, now, minLevel, mask } = options;
  // Lines as written (unmasked), each a fresh object that nothing else holds until handed over.
  let buffer: LogEntry[] = [];
  // Flushes run one after the other so lines are stored in the order they were written; none
  // until the first (most loggers hand their lines over with the task's end and never flush).
  let chain: Promise<void> | undefined;
  let failure: unknown;
  // Background flushes not yet settled: with none, and no failure, `takeNow` may answer at once.
  let flushing = 0;

  const takeBuffer = (): LogEntry[] => {
    const entries = buffer;
    buffer = [];
    // Masked in place: the entries were made here and no one else holds them yet.
    for (const entry of entries) (entry as { message: string }).message = mask(entry.message);
    return entries;
  };
  const drain = (): Promise<void> | undefined => {
    const entries = takeBuffer();
    if (entries.length === 0) return chain;
    flushing++;
    chain = (chain ?? Promise.resolve()).then(() => options.append(entries)).catch((error: unknown) => {
      failure ??= error;
    }).finally(() => {
      flushing--;
    });
    return chain;
  };

  const log = (level: LogLevel, message: string): void => {
    // Plugins written in plain JavaScript may pass anything; store it rather than lose it.
    const safeLevel = isLevel(level) ? level : 'INFO';
    if (minLevel && !isLevelEnabled(safeLevel, minLevel)) return;
    buffer.push(line(now().toISOString(), safeLevel, String(message)));
    if (buffer.length >= maxBuffer) void drain();
  };

  const rethrow = (): void => {
    if (failure === undefined) return;
    const error = failure;
    failure = undefined;
    throw error;
  };

  return Object.assign(pluginLoggerFrom(log), {
    async flush() {
      await drain();
      rethrow();
    },
    async take() {
      // Lines written before these were handed to `append` first; they must be stored first.
      await chain;
      rethrow();
      return takeBuffer();
    },
    takeNow() {
      return flushing === 0 && failure === undefined ? takeBuffer() : undefined;
    },
  });
}

/** The task's `logLevel` when it names a level, for {@link TaskLoggerOptions.minLevel}. */
export function minLevelOf(logLevel: string | undefined): LogLevel | undefined {
  const upper = logLevel?.toUpperCase();
  return isLevel(upper) ? upper : undefined;
}
