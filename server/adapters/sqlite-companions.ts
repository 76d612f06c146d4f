// The audit log and revocation list of a SQLite store's file, for copyStore (S211): each on a
// connection of its own (WAL lets them share the file with the store).
import type { StoreCompanions } from '../store-companions.js'
import { createSqliteAuditLog } from './sqlite-audit-log.js'
import { createSqliteRevocationList } from './sqlite-revocation-list.js'

/** What lives beside the store of the SQLite file `path`. */
export function sqliteCompanions(path: string): StoreCompanions {
  return {
    where: `SQLite "${path}"`,
    openAuditLog: () => Promise.resolve(createSqliteAuditLog({ path })),
    openRevocationList: () => Promise.resolve(createSqliteRevocationList({ path })),
  }
}
