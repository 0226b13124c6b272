// @ts-check
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * @typedef {{ name: string, mtimeMs: number }} Cursor the last file started: files are taken in
 *   (modification time, name) order, so the cursor is the position in that order.
 * @typedef {{ name: string, path: string, size: number, mtimeMs: number }} FileEntry
 */

/**
 * True when `file` comes after `cursor` in (modification time, name) order.
 * @param {{ name: string, mtimeMs: number }} file @param {Cursor | undefined} cursor
 */
export function isAfter(file, cursor) {
  if (cursor === undefined) return true;
  return file.mtimeMs > cursor.mtimeMs || (file.mtimeMs === cursor.mtimeMs && file.name > cursor.name);
}

/**
 * A cursor read back from the store, or undefined for the first poll (or a value we never wrote).
 * @param {unknown} value @returns {Cursor | undefined}
 */
export function readCursor(value) {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, mtimeMs } = /** @type {Record<string, unknown>} */ (value);
  return typeof name === 'string' && typeof mtimeMs === 'number' ? { name, mtimeMs } : undefined;
}

/**
 * The regular files of `folder` whose name ends with `suffix`, after `cursor`, oldest first,
 * at most `max` of them.
 * @param {string} folder @param {string} suffix @param {Cursor | undefined} cursor @param {number} max
 * @returns {Promise<FileEntry[]>}
 */
export async function newFiles(folder, suffix, cursor, max) {
  const entries = await readdir(folder, { withFileTypes: true });
  /** @type {FileEntry[]} */
  const files = [];
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith(suffix)) continue;
    const path = join(folder, entry.name);
    // Whole milliseconds: the cursor is stored as JSON and compared after a round trip.
    const info = await stat(path);
    files.push({ name: entry.name, path, size: info.size, mtimeMs: Math.floor(info.mtimeMs) });
  }
  return files
    .filter((file) => isAfter(file, cursor))
    .sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, max);
}
