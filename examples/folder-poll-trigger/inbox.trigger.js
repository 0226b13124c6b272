// @ts-check
import { DURATION_PATTERN, Type, defineTrigger, durationMs } from '@sluice/core';
import { inboxErrors } from './errors.js';
import { inboxExamples } from './inbox.examples.js';
import { newFiles, readCursor } from './scan.js';

/** Polls more often than this would only burn the disk's time. */
export const MIN_INTERVAL_MS = 100;
export const DEFAULT_INTERVAL = 'PT10S';

export const NewFilesProps = Type.Object(
  {
    folder: Type.String({ minLength: 1, description: 'The folder to watch (absolute path on the server). Sub-folders are not read.' }),
    suffix: Type.Optional(Type.String({ default: '', description: 'Only files whose name ends with this, e.g. `.csv`. Every file when empty.' })),
    interval: Type.Optional(Type.String({ pattern: DURATION_PATTERN, default: DEFAULT_INTERVAL, description: 'ISO-8601 duration from the end of one scan to the start of the next, at least PT0.1S.' })),
    maxFiles: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'At most this many executions per scan; the rest come at the next one.' })),
  },
  { additionalProperties: false },
);

export const NewFilesVariables = Type.Object(
  {
    name: Type.String({ description: 'The file name, e.g. `orders-42.csv`.' }),
    path: Type.String({ description: 'The absolute path of the file.' }),
    size: Type.Integer({ minimum: 0, description: 'Its size in bytes when it was seen.' }),
    modified: Type.String({ description: 'Its modification time, ISO-8601 in UTC.' }),
  },
  { additionalProperties: false },
);

/** @typedef {import('@sluice/core').Static<typeof NewFilesProps>} NewFilesPropsType */

/** `com.example.inbox.NewFiles`: one execution per file that appears in a folder. */
export const newFilesTrigger = defineTrigger({
  mode: 'poll',
  type: 'com.example.inbox.NewFiles',
  title: 'New files in a folder',
  description: 'Scans `folder` every `interval` and starts one execution per file it has not started one for, oldest first.',
  props: NewFilesProps,
  variables: NewFilesVariables,
  examples: inboxExamples,
  /** @param {NewFilesPropsType} props */
  check(props) {
    const interval = props.interval ?? DEFAULT_INTERVAL;
    const ms = durationMs(interval);
    if (ms === undefined) return [{ path: ['interval'], message: inboxErrors.INBOX_INTERVAL_INVALID(interval).message }];
    return ms < MIN_INTERVAL_MS ? [{ path: ['interval'], message: inboxErrors.INBOX_INTERVAL_TOO_SHORT(interval, 'PT0.1S').message }] : [];
  },
  /** @param {NewFilesPropsType} props */
  interval: (props) => durationMs(props.interval ?? DEFAULT_INTERVAL) ?? 10_000,
  /**
   * @param {import('@sluice/core').TriggerContext} ctx
   * @param {NewFilesPropsType} props
   * @param {unknown} stored
   */
  async poll(ctx, props, stored) {
    const cursor = readCursor(stored);
    const files = await newFiles(props.folder, props.suffix ?? '', cursor, props.maxFiles ?? 100);
    ctx.logger.debug(`${files.length} new file(s) in ${props.folder}`);
    const last = files.at(-1);
    return {
      starts: files.map((file) => ({
        kind: /** @type {const} */ ('start'),
        variables: { name: file.name, path: file.path, size: file.size, modified: new Date(file.mtimeMs).toISOString() },
        // The file's identity: a poll repeated from the same cursor (a crash before the cursor
        // was stored) starts no second execution for it.
        key: `${file.name}@${file.mtimeMs}`,
      })),
      cursor: last === undefined ? (cursor ?? null) : { name: last.name, mtimeMs: last.mtimeMs },
    };
  },
});
