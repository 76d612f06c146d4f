// S211 without PostgreSQL: copyStore moves the audit log and the revoked tokens of a SQLite file
// into another SQLite file, and refuses a target store that has nowhere to keep them.
import { join } from 'node:path'
import { expect, it, onTestFinished } from 'vitest'
import { createMemoryStore, isTesseraError } from '../../src/index.js'
import { createSqliteAuditLog } from '../../server/adapters/sqlite-audit-log.js'
import { createSqliteRevocationList } from '../../server/adapters/sqlite-revocation-list.js'
import { createSqliteStore } from '../../server/adapters/sqlite-store.js'
import { copyStore } from '../../server/copy-store.js'
import { tempDir } from '../helpers/temp-dir.js'

const update = { update: new Uint8Array([0, 0]), atMs: 1, author: null }

/** A SQLite file holding table `a`, and `records` audit records and one revocation when given. */
const sqliteFile = async (records: number, revocations: number): Promise<string> => {
  const path = join(tempDir(), 'tessera.db')
  const store = createSqliteStore({ path })
  await store.append('a', [update])
  await store.close()
  const audit = createSqliteAuditLog({ path })
  const list = createSqliteRevocationList({ path })
  for (let index = 0; index < records; index++) {
    const action = index === 0 ? 'restore' : 'update'
    const extra = index === 0 ? { restoredToMs: 7 } : {}
    await audit.append([
      {
        table: 'a',
        rowId: `r${index}`,
        action,
        columns: ['c'],
        userId: 'ann',
        atMs: index,
        ...extra,
      },
    ])
  }
  for (let index = 0; index < revocations; index++)
    await list.add({ kind: 'user', id: `u${index}`, atMs: 10 + index })
  await audit.close()
  await list.close()
  return path
}

const open = (path: string) => {
  const store = createSqliteStore({ path })
  onTestFinished(() => store.close())
  return store
}

it('S211: copies every audit record (in order, over several pages) and every revocation the target lacks', async () => {
  const from = open(await sqliteFile(1_205, 2))
  const targetPath = join(tempDir(), 'target.db')
  const preset = createSqliteRevocationList({ path: targetPath })
  await preset.add({ kind: 'user', id: 'u1', atMs: 11 })
  await preset.close()
  expect(await copyStore(from, open(targetPath))).toEqual(['a'])
  const audit = createSqliteAuditLog({ path: targetPath })
  onTestFinished(() => audit.close())
  const copied = await audit.list(0, 2_000)
  expect(copied).toHaveLength(1_205)
  expect(copied.map((entry) => entry.atMs)).toEqual(Array.from({ length: 1_205 }, (_, i) => i))
  expect(copied[0]).toMatchObject({ action: 'restore', restoredToMs: 7, userId: 'ann' })
  const list = createSqliteRevocationList({ path: targetPath })
  onTestFinished(() => list.close())
  // u1 was there already: it is not added twice.
  expect((await list.list(0)).map((revocation) => revocation.id)).toEqual(['u1', 'u0'])
})

it('S211: a source with audit records or revocations is not copied into a store that cannot keep them', async () => {
  const error: unknown = await copyStore(open(await sqliteFile(0, 1)), createMemoryStore()).catch(
    (caught: unknown) => caught,
  )
  expect(isTesseraError(error, 'INVALID_ARGUMENT')).toBe(true)
  expect(String(error)).toContain('nowhere to keep them')
  // Nothing beside the tables: the copy goes on as before.
  const target = createMemoryStore()
  expect(await copyStore(open(await sqliteFile(0, 0)), target)).toEqual(['a'])
  expect(await target.list()).toEqual(['a'])
})
