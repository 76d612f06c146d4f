// S212 for `tessera restore`: the restored database's audit log records, per table, that it was
// restored from a backup, by whom (the operating-system account that ran the command) and to
// which time. Knows the SQLite adapters, not the command line.
import { userInfo } from 'node:os'
import { createSqliteAuditLog } from '../adapters/sqlite-audit-log.js'
import { createSqliteStore } from '../adapters/sqlite-store.js'
import { restoreRecordsOf } from '../access/audit.js'

/** Who runs a tool command: `os:<account>`, or null when the system does not say. */
export function operatorId(env: Readonly<Record<string, string | undefined>>): string | null {
  let name: string | undefined
  try {
    name = userInfo().username
  } catch {
    name = env.USER ?? env.USERNAME
  }
  return name === undefined || name === '' ? null : `os:${name}`
}

/**
 * Appends one `restore` record per table of the database at `path`, restored to `restoredToMs`
 * (without it, to the time of the table's newest entry: the backup as it was). Resolves to the
 * number of records.
 * @throws STORAGE_FAILURE when the database cannot be read or written
 */
export async function recordRestores(
  path: string,
  userId: string | null,
  restoredToMs: number | undefined,
  nowMs: number,
): Promise<number> {
  const store = createSqliteStore({ path })
  const log = createSqliteAuditLog({ path, synchronous: 'full' })
  try {
    const records = []
    for (const table of await store.list()) {
      const to = restoredToMs ?? (await store.load(table)).atMs
      records.push(...restoreRecordsOf(table, userId, { restoredToMs: to }, nowMs))
    }
    await log.append(records)
    return records.length
  } finally {
    await log.close()
    await store.close()
  }
}
