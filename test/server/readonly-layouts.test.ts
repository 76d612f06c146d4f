// S251: a file of storage layout 2 (test/fixtures) opened read-only is read as it is, never
// written: its tables and history load, `tessera restore --at` rebuilds from it, and copyStore
// moves its tables and its layout-2 audit records; layout 1 is still refused with what to do.
import { copyFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createTable, isTesseraError, type Store } from '../../src/index.js'
import { createSqliteAuditLog } from '../../server/adapters/sqlite-audit-log.js'
import { createSqliteStore } from '../../server/adapters/sqlite-store.js'
import { copyStore } from '../../server/copy-store.js'
import { restoreDatabase } from '../../server/history/backup.js'
import { tempDir } from '../helpers/temp-dir.js'
import { storedDoc } from '../helpers/stored-doc.js'

const formats = join(import.meta.dirname, '..', 'fixtures', 'formats')

/** A copy of a fixture's database in a temp folder (the fixture itself stays untouched). */
const copyOf = (fixture: string): string => {
  const path = join(tempDir(), 'tessera.db')
  copyFileSync(join(formats, fixture, 'tessera.db'), path)
  return path
}

const expectedRows = (fixture: string): unknown =>
  (JSON.parse(readFileSync(join(formats, fixture, 'expected.json'), 'utf8')) as { rows: unknown })
    .rows

/** The rows of `table` as `store` loads it. */
const rowsIn = async (store: Store, table: string): Promise<unknown> => {
  return createTable({ doc: await storedDoc(store, table) }).listRows()
}

/** The layout-2 audit records of the file at `path`: [seq, row, action], oldest first. */
const layout2Audit = (path: string): unknown[] => {
  const db = new Database(path, { readonly: true })
  try {
    return db
      .prepare<[], { row_id: string; action: string; at_ms: number }>(
        'SELECT row_id, action, at_ms FROM audit ORDER BY seq',
      )
      .all()
      .map((row) => [row.row_id, row.action, row.at_ms])
  } finally {
    db.close()
  }
}

describe.each(['format-1-layout-2', 'format-2-layout-2'])('a read-only open of %s', (fixture) => {
  it('S251: loads its tables and history as they are, and writes nothing to the file', async () => {
    const path = copyOf(fixture)
    const before = readFileSync(path)
    const store = createSqliteStore({ path, readonly: true })
    onTestFinished(() => store.close())
    expect(await store.list()).toEqual(['fixture'])
    expect(await rowsIn(store, 'fixture')).toEqual(expectedRows(fixture))
    expect((await store.load('fixture')).generation).toBe(0)
    const log = await store.readLog('fixture', 0, 1000)
    expect(log.length).toBeGreaterThan(0)
    expect(log.every((entry) => entry.atMs > 0)).toBe(true)
    const refused: unknown = await store.delete('fixture').catch((caught: unknown) => caught)
    expect(isTesseraError(refused, 'STORAGE_FAILURE')).toBe(true)
    await store.close()
    expect(readFileSync(path).equals(before)).toBe(true)
  })

  it('S251: copyStore moves its tables and its layout-2 audit records from the read-only open', async () => {
    const path = copyOf(fixture)
    const records = layout2Audit(path)
    expect(records.length).toBeGreaterThan(0)
    const from = createSqliteStore({ path, readonly: true })
    const targetPath = join(tempDir(), 'target.db')
    const to = createSqliteStore({ path: targetPath })
    onTestFinished(async () => {
      await from.close()
      await to.close()
    })
    expect(await copyStore(from, to)).toEqual(['fixture'])
    expect(await rowsIn(to, 'fixture')).toEqual(expectedRows(fixture))
    const audit = createSqliteAuditLog({ path: targetPath })
    onTestFinished(() => audit.close())
    const copied = await audit.list(0, 1000)
    expect(copied.map((entry) => [entry.rowId, entry.action, entry.atMs])).toEqual(records)
    expect(await audit.history('fixture', 'r2', 100)).toEqual(
      copied.filter((entry) => entry.rowId === 'r2'),
    )
  })

  it('S251: restore --at rebuilds a database from it as a backup', async () => {
    const backup = copyOf(fixture)
    const target = join(tempDir(), 'restored.db')
    expect(await restoreDatabase({ backup, target, atMs: Date.now() })).toEqual({ tables: 1 })
    const store = createSqliteStore({ path: target })
    onTestFinished(() => store.close())
    expect(await rowsIn(store, 'fixture')).toEqual(expectedRows(fixture))
  })
})

it('S251: a file of layout 1 opened read-only is refused with what to do', () => {
  const path = copyOf('format-1-layout-1')
  const error: unknown = (() => {
    try {
      createSqliteStore({ path, readonly: true })
    } catch (caught) {
      return caught
    }
    return undefined
  })()
  expect(isTesseraError(error, 'STORAGE_FAILURE')).toBe(true)
  expect(String(error)).toContain('open it once read-write')
})
