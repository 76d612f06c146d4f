// The audit log and revocation list of a SQLite store's file, for copyStore (S211): each on a
// connection of its own (WAL lets them share the file with the store). The source of a copy is
// opened read-only (of layout 2 or 3, S251), and a table it lacks is not created.
import Database from 'better-sqlite3'
import type { StoreCompanions } from '../store-companions.js'
import { createSqliteAuditLog, createSqliteAuditLogOn } from './sqlite-audit-log.js'
import { openSqlite } from './sqlite-database.js'
import { hasTable } from './sqlite-layout.js'
import { readLayout2Audit } from './sqlite-older-layouts.js'
import { createSqliteRevocationList } from './sqlite-revocation-list.js'

/** Whether the file at `path` has the table `name`, read without writing anything. */
function fileHasTable(path: string, name: string): boolean {
  if (path === ':memory:') return false
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    return hasTable(db, name)
  } finally {
    db.close()
  }
}

/** S250: the tables of the file at `path` deleted at least once, read without writing anything. */
function deletedTables(path: string): string[] {
  if (path === ':memory:') return []
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    if (!hasTable(db, 'generations')) return []
    return db
      .prepare<[], { table_name: string }>(
        'SELECT table_name FROM generations WHERE generation > 0 ORDER BY table_name',
      )
      .all()
      .map((row) => row.table_name)
  } finally {
    db.close()
  }
}

/** What lives beside the store of the SQLite file `path`. */
export function sqliteCompanions(path: string): StoreCompanions {
  return {
    where: `SQLite "${path}"`,
    openAuditLog: () => Promise.resolve(createSqliteAuditLog({ path })),
    openRevocationList: () => Promise.resolve(createSqliteRevocationList({ path })),
    // Layout 3 (audit_turns, S220), or layout 2's `audit` when the source was opened read-only
    // and so not upgraded (S251).
    readAuditLog: () => {
      if (!fileHasTable(path, 'audit_turns') && !fileHasTable(path, 'audit'))
        return Promise.resolve(undefined)
      const database = openSqlite({ path, synchronous: 'normal', readonly: true, schema: '' })
      readLayout2Audit(database.db)
      const log = createSqliteAuditLogOn(database, { readonly: true })
      return Promise.resolve({ ...log, close: database.close })
    },
    readRevocationList: () =>
      Promise.resolve(
        fileHasTable(path, 'revocations')
          ? createSqliteRevocationList({ path, readonly: true })
          : undefined,
      ),
    listDeletedTables: () => Promise.resolve(deletedTables(path)),
  }
}
