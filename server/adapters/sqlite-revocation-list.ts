// The RevocationList port over better-sqlite3: one `revocations` table, in the server's own
// SQLite file, where `tessera token revoke` writes too (WAL lets both open it).
import type { Revocation, RevocationList } from '../ports/revocation-list.js'
import { openSqlite } from './sqlite-database.js'

/** Options of `createSqliteRevocationList`. */
export interface SqliteRevocationListOptions {
  /** The database file (the server passes its `dbPath`); `:memory:` for a throwaway one. */
  path: string
  /** Open the file read-only (the source of a copy, S211): its table must exist. Default false. */
  readonly?: boolean
}

const schema = `
  CREATE TABLE IF NOT EXISTS revocations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    at_ms INTEGER NOT NULL
  );
`

interface RevocationRow {
  seq: number
  kind: Revocation['kind']
  id: string
  at_ms: number
}

/**
 * Opens (or creates) the revocation list in a SQLite file. Every add is fsynced (FULL): a
 * revocation the CLI or the admin call confirmed survives a power loss.
 * @throws STORAGE_FAILURE when the file cannot be opened
 */
export function createSqliteRevocationList(options: SqliteRevocationListOptions): RevocationList {
  const { path, readonly = false } = options
  const { db, run, close } = openSqlite({ path, synchronous: 'full', readonly, schema })
  const insert = db.prepare<[string, string, number], RevocationRow>(
    'INSERT INTO revocations (kind, id, at_ms) VALUES (?, ?, ?) RETURNING *',
  )
  const after = db.prepare<[number], RevocationRow>(
    'SELECT * FROM revocations WHERE seq > ? ORDER BY seq',
  )
  const revocationOf = (row: RevocationRow): Revocation => ({
    seq: row.seq,
    kind: row.kind,
    id: row.id,
    atMs: row.at_ms,
  })
  return {
    add: (input) =>
      run('revocation add', () => revocationOf(insert.get(input.kind, input.id, input.atMs)!)),
    list: (afterSeq) => run('revocation list', () => after.all(afterSeq).map(revocationOf)),
    close,
  }
}
