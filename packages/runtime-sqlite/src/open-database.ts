import { accessSync, constants, existsSync, mkdirSync, statfsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { sqliteErrors } from './errors.js';
import { migrate, SCHEMA_VERSION } from './schema.js';

/** The name of the database file in the data folder; SQLite keeps `-wal` beside it. */
export const DATABASE_FILE = 'sluice.db';

/** Below this much free space the database is refused at start: it could not take a write. */
export const MIN_FREE_BYTES = 32 * 1024 * 1024;

/**
 * File systems whose byte-range locks SQLite cannot rely on (statfs magic numbers): NFS, SMB and
 * 9p (WSL's Windows drives). SQLite's documentation warns that its locking, and so its WAL, can
 * corrupt a database there.
 */
const NETWORK_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x6969, 'NFS'],
  [0xff534d42, 'CIFS'],
  [0xfe534d42, 'SMB2'],
  [0x517b, 'SMB'],
  [0x01021997, '9p'],
]);

/** The name of a network file system SQLite cannot lock on, from its statfs type; undefined for others. */
export function networkFilesystem(type: number): string | undefined {
  return NETWORK_FILESYSTEMS.get(type);
}

/** Files up to this size get SQLite's `quick_check` at start. */
const QUICK_CHECK_MAX_BYTES = 256 * 1024 * 1024;

/** Options of {@link openDatabase}. */
export interface OpenOptions {
  /** The data folder; created when missing. */
  readonly dir: string;
  /** `FULL` syncs the log to disk at every commit: durable against a power loss, not only a crash. */
  readonly synchronous: 'normal' | 'full';
  /** Refuse to start with less free space than this. Default {@link MIN_FREE_BYTES}. */
  readonly minFreeBytes?: number;
  /** Told before a file of an older schema version is upgraded (see `migrate`). */
  readonly onMigrate?: (from: number, to: number) => void;
}

/** An open database and what the start-up line says about it. */
export interface OpenedDatabase {
  readonly db: Database;
  readonly file: string;
  /** True when the file did not exist before this open. */
  readonly created: boolean;
}

const codeOf = (error: unknown): string => String((error as { code?: unknown }).code ?? '');
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Opens (or creates) the database in `dir`, refusing at once, with a message naming the file or
 * folder, what would fail later or silently: a folder that cannot be written, a full disk, a
 * network file system, a file another process holds, a newer schema, a corrupt file.
 *
 * The connection takes SQLite's exclusive lock and keeps it until closed (`locking_mode =
 * EXCLUSIVE`): one Sluice process owns the file, a second is refused, and the write-ahead log
 * needs no shared-memory file.
 */
export function openDatabase(options: OpenOptions): OpenedDatabase {
  const dir = resolve(options.dir);
  const file = join(dir, DATABASE_FILE);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK | constants.R_OK);
  } catch (error) {
    throw sqliteErrors.SQLITE_DATA_DIR_UNUSABLE(dir, codeOf(error) === 'EROFS' ? 'the file system is read-only' : messageOf(error));
  }
  const fs = statfsSync(dir);
  const network = networkFilesystem(fs.type);
  if (network) throw sqliteErrors.SQLITE_NETWORK_FILESYSTEM(dir, network);
  const free = fs.bavail * fs.bsize;
  const needed = options.minFreeBytes ?? MIN_FREE_BYTES;
  if (free < needed) throw sqliteErrors.SQLITE_DISK_FULL(dir, free, needed);

  const created = !existsSync(file);
  let db: Database;
  try {
    db = new BetterSqlite3(file, { timeout: 0 });
  } catch (error) {
    throw refusal(file, dir, error);
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    const mode = String(db.pragma('journal_mode = WAL', { simple: true })).toLowerCase();
    if (mode !== 'wal') throw sqliteErrors.SQLITE_NO_WAL(file, mode);
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    // The log is checkpointed every 1000 pages (4 MB) and then reused; this cuts back a log that
    // a burst grew past 64 MB, so the disk the README states holds after a burst too.
    db.pragma('journal_size_limit = 67108864');
    // Takes the exclusive lock now, not at the first webhook: a second process is refused at start.
    db.exec('BEGIN IMMEDIATE; COMMIT');
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version > SCHEMA_VERSION) throw sqliteErrors.SQLITE_NEWER_SCHEMA(file, version, SCHEMA_VERSION);
    migrate(db, version, options.onMigrate);
    // Reads every page, so only while that takes well under a second; a larger file is checked
    // page by page as it is read (a torn page then fails that read, not the start).
    if (!created && statSync(file).size <= QUICK_CHECK_MAX_BYTES) {
      const problems = db.pragma('quick_check(1)', { simple: true });
      if (problems !== 'ok') throw sqliteErrors.SQLITE_CORRUPT(file, String(problems));
    }
  } catch (error) {
    db.close();
    throw refusal(file, dir, error);
  }
  return { db, file, created };
}

/** Turns SQLite's error codes at open into the runtime's coded refusals. */
function refusal(file: string, dir: string, error: unknown): Error {
  if ((error as { $$sluice?: unknown }).$$sluice !== undefined) return error as Error;
  const code = codeOf(error);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return sqliteErrors.SQLITE_LOCKED(file);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return sqliteErrors.SQLITE_CORRUPT(file, messageOf(error));
  if (code === 'SQLITE_FULL') return sqliteErrors.SQLITE_DISK_FULL(dir, 0, MIN_FREE_BYTES);
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_PERM') {
    return sqliteErrors.SQLITE_DATA_DIR_UNUSABLE(dir, `${messageOf(error)} (${code})`);
  }
  return sqliteErrors.SQLITE_OPEN_FAILED(file, `${messageOf(error)} (${code})`);
}
