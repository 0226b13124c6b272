import { defineErrorCatalog } from '@sluice/core';

/**
 * Every code the SQLite runtime raises at start. Each message names the file or folder and says
 * what to do, since it reaches a person reading a failed start. Errors while running are the
 * engine's (`RUNTIME_UNAVAILABLE`, retryable), so callers handle one failure mode per runtime.
 */
export const sqliteErrors = defineErrorCatalog({
  SQLITE_DATA_DIR_UNUSABLE: (dir: string, reason: string) =>
    `the data folder ${dir} cannot hold the database: ${reason}; set SLUICE_DATA_DIR to a writable local folder`,
  SQLITE_DISK_FULL: (dir: string, freeBytes: number, neededBytes: number) =>
    `the data folder ${dir} has ${Math.floor(freeBytes / 1024 / 1024)} MB free, under the ${Math.floor(neededBytes / 1024 / 1024)} MB the database needs to start; free some space or set SLUICE_DATA_DIR elsewhere`,
  SQLITE_NETWORK_FILESYSTEM: (dir: string, fs: string) =>
    `the data folder ${dir} is on a ${fs} file system, whose locks SQLite cannot rely on (its write-ahead log needs them): the database could be corrupted; set SLUICE_DATA_DIR to a local disk`,
  SQLITE_LOCKED: (file: string) =>
    `the database ${file} is held by another Sluice process (SQLite's exclusive lock); stop it first, or give this one another SLUICE_DATA_DIR`,
  SQLITE_NO_WAL: (file: string, mode: string) =>
    `the database ${file} cannot use a write-ahead log (journal mode stays '${mode}'): the file system does not support it; set SLUICE_DATA_DIR to a local disk`,
  SQLITE_NEWER_SCHEMA: (file: string, found: number, supported: number) =>
    `the database ${file} has schema version ${found}, written by a newer Sluice; this one reads up to version ${supported}. Run the newer Sluice, or move the file away to start empty`,
  SQLITE_CORRUPT: (file: string, reason: string) =>
    `the database ${file} is corrupt (${reason}). Stop Sluice, keep a copy of the file and its -wal, then either recover it with the sqlite3 shell ('sqlite3 ${file} .recover | sqlite3 recovered.db', then move recovered.db in its place) or move it away to start empty`,
  SQLITE_OPEN_FAILED: (file: string, reason: string) => `the database ${file} cannot be opened: ${reason}`,
});
