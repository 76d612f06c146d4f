// Backups of a SQLite store file while the server runs, and point-in-time recovery from them
// (docs/operations.md). Uses SQLite's online backup API, never a file copy.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { TesseraError } from '../../src/index.js'
import { copyHistoryUntil } from '../../src/internal.js'
import { createSqliteStore } from '../adapters/sqlite-store.js'

/** What a backup or a restore wrote. */
export interface BackupResult {
  /** The file written. */
  file: string
  /** Database pages copied (SQLite's page size is 4 KiB by default). */
  pages: number
}

/** Removes a database file and its WAL and shared-memory files. */
const removeDatabase = (path: string): void => {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true })
}

const storageFailure = (what: string, cause: unknown): TesseraError =>
  new TesseraError('STORAGE_FAILURE', `${what}: ${String(cause)}`, { cause })

/**
 * Copies the database at `dbPath` into `file` with SQLite's backup API, consistently, while
 * other processes (a running server) keep reading and writing it: the copy is one read
 * transaction, so it holds every commit made before it started and none after. The copy is
 * written to `<file>.partial` (its folder is created) and renamed into place when complete.
 * @throws INVALID_ARGUMENT when `file` is the database itself
 * @throws STORAGE_FAILURE when the database cannot be read or the file cannot be written
 */
export async function backupDatabase(dbPath: string, file: string): Promise<BackupResult> {
  if (resolve(dbPath) === resolve(file)) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `backup: ${file} is the database itself; name another file`,
    )
  }
  let db: Database.Database
  try {
    db = new Database(dbPath, { fileMustExist: true })
  } catch (cause) {
    throw storageFailure(`backup: cannot open the database "${dbPath}"`, cause)
  }
  const partial = `${file}.partial`
  removeDatabase(partial)
  try {
    mkdirSync(dirname(file), { recursive: true })
    // A step of every page: copied in one go under one read transaction. Smaller steps would
    // restart whenever the server commits in between, and might never finish.
    const result = await db.backup(partial, { progress: ({ totalPages }) => totalPages + 1 })
    renameSync(partial, file)
    return { file, pages: result.totalPages }
  } catch (cause) {
    removeDatabase(partial)
    throw storageFailure(`backup: copying "${dbPath}" to "${file}" failed`, cause)
  } finally {
    db.close()
  }
}

/** Options of `restoreDatabase`. */
export interface RestoreDatabaseOptions {
  /** The backup file (a database written by `backupDatabase` or by a server). */
  backup: string
  /** The database file to write; it must not exist unless `isForced`. */
  target: string
  /** Rebuild each table as it was at this time (ms); default: the backup as it is. */
  atMs?: number
  /** Replace an existing target (the server must be stopped). Default false. */
  isForced?: boolean
}

/**
 * Writes a database from a backup: an exact copy, or with `atMs` each table rebuilt as it was at
 * that time (its history up to then, and a snapshot of that state to load from).
 * @throws INVALID_ARGUMENT when the target exists and `isForced` is not set
 * @throws HISTORY_UNAVAILABLE when `atMs` is older than a table's history in the backup
 */
export async function restoreDatabase(
  options: RestoreDatabaseOptions,
): Promise<{ tables: number }> {
  const { backup, target, atMs, isForced = false } = options
  if (!existsSync(backup))
    throw new TesseraError('INVALID_ARGUMENT', `restore: no backup file at "${backup}"`)
  if (existsSync(target) && !isForced) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `restore: "${target}" exists; stop the server and pass --force to replace it, or name a new file`,
    )
  }
  const partial = `${target}.partial`
  removeDatabase(partial)
  let tables = 0
  if (atMs === undefined) {
    await backupDatabase(backup, partial)
    const from = createSqliteStore({ path: partial })
    tables = (await from.list()).length
    await from.close()
  } else {
    const from = createSqliteStore({ path: backup, readonly: true })
    const to = createSqliteStore({ path: partial, synchronous: 'normal' })
    try {
      for (const table of await from.list()) {
        if ((await copyHistoryUntil(from, to, table, atMs)) !== undefined) tables++
      }
    } catch (error) {
      await to.close()
      removeDatabase(partial)
      throw error
    } finally {
      await from.close()
    }
    await to.close()
  }
  removeDatabase(target)
  renameSync(partial, target)
  return { tables }
}
