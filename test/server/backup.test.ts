// Backups and point-in-time recovery with the real CLI: `tessera backup` while a server runs and a
// writer keeps writing, `tessera restore [--at]`, and clients that reconnect to a restored server.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { createTable } from '../../src/index.js'
import { createSqliteStore } from '../../server/index.js'
import { call } from '../helpers/auth.js'
import { runCli } from '../helpers/cli.js'
import { connectSdk, iso, markTime } from '../helpers/history.js'
import { startServer } from '../helpers/start-server.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitFor } from '../helpers/wait-for.js'
import { storedDoc } from '../helpers/stored-doc.js'

const columns = [{ name: 'n', type: 'number' as const }]

/** The row values of a table in a database file, read through the store. */
const storedValues = async (path: string, table: string): Promise<number[]> => {
  const store = createSqliteStore({ path, readonly: true })
  const doc = await storedDoc(store, table)
  await store.close()
  return createTable({ doc })
    .listRows()
    .map((row) => row.n as number)
}

describe('backup and point-in-time recovery', () => {
  it('S108: a backup taken while a writer keeps writing holds every update acknowledged before it began', async () => {
    const server = await startServer({ compactAfterUpdates: 50 })
    const conn = connectSdk(server, { table: 'log', columns })
    await conn.whenSynced()
    const acknowledged: number[] = []
    let isWriting = true
    const writer = (async () => {
      for (let n = 0; isWriting || n < 200; n++) {
        conn.table.insertRow({ n })
        await conn.whenSaved()
        acknowledged.push(n)
      }
    })()
    await waitFor(() => acknowledged.length >= 100, { what: 'a first hundred writes' })
    const dir = tempDir()
    const before = [...acknowledged]
    const backup = await runCli(['backup', join(dir, 'backup.db'), '--db', server.dbPath])
    const during = acknowledged.length - before.length
    isWriting = false
    await writer
    expect(backup.stderr).toBe('')
    expect(backup.code).toBe(0)
    expect(backup.stdout).toMatch(/backed up .* to .*backup\.db/)
    expect(during).toBeGreaterThan(0)
    const check = new Database(join(dir, 'backup.db'), { readonly: true })
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
    check.close()

    const restored = await runCli([
      'restore',
      join(dir, 'backup.db'),
      '--db',
      join(dir, 'restored.db'),
    ])
    expect(restored.code).toBe(0)
    const values = new Set(await storedValues(join(dir, 'restored.db'), 'log'))
    expect(before.filter((n) => !values.has(n))).toEqual([])
    expect(values.size).toBeLessThan(acknowledged.length)
  })

  it('S109: restoring --at a time between two known writes keeps exactly the first, with its history', async () => {
    const server = await startServer({ compactAfterUpdates: 2 })
    const conn = connectSdk(server, { table: 'pitr', columns })
    await conn.whenSynced()
    for (let n = 1; n <= 3; n++) conn.table.insertRow({ n }, { id: `early-${n}` })
    await conn.whenSaved()
    const early = await markTime(server, 'pitr')
    conn.table.insertRow({ n: 10 }, { id: 'first' })
    await conn.whenSaved()
    const between = await markTime(server, 'pitr')
    conn.table.insertRow({ n: 20 }, { id: 'second' })
    conn.table.deleteRow('early-1')
    await conn.whenSaved()
    const dir = tempDir()
    expect((await runCli(['backup', join(dir, 'b.db'), '--db', server.dbPath])).code).toBe(0)
    const target = join(dir, 'pitr.db')
    const restored = await runCli([
      'restore',
      join(dir, 'b.db'),
      '--at',
      iso(between),
      '--db',
      target,
    ])
    expect(restored.stdout).toMatch(/restored 1 table\(s\) .* as of/)
    expect((await storedValues(target, 'pitr')).sort((a, b) => a - b)).toEqual([1, 2, 3, 10])

    const again = await startServer({ dbPath: target })
    const earlier = await call(again, 'GET', `/tables/pitr/rows?at=${iso(early)}`)
    expect(earlier.body.total).toBe(3)
    const refused = await runCli(['restore', join(dir, 'b.db'), '--db', target])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/exists; stop the server and pass --force/)
    const badTime = await runCli([
      'restore',
      join(dir, 'b.db'),
      '--at',
      'noon',
      '--db',
      join(dir, 'x.db'),
    ])
    expect(badTime.stderr).toMatch(/--at must be one ISO 8601 time/)
  })

  it('S109: clients that edited after the restored point reconnect and converge, keeping their offline edits', async () => {
    const first = await startServer()
    const port = Number(new URL(first.url).port)
    const writer = connectSdk(first, { table: 'notes', columns })
    await writer.whenSynced()
    writer.table.insertRow({ n: 1 }, { id: 'kept' })
    await writer.whenSaved()
    const point = await markTime(first, 'notes')
    writer.table.insertRow({ n: 2 }, { id: 'after-point' })
    await writer.whenSaved()
    const dir = tempDir()
    expect((await runCli(['backup', join(dir, 'b.db'), '--db', first.dbPath])).code).toBe(0)
    await first.close()
    await waitFor(() => writer.status === 'offline' || writer.status === 'connecting')
    writer.table.insertRow({ n: 3 }, { id: 'offline' })
    const restored = await runCli([
      'restore',
      join(dir, 'b.db'),
      '--at',
      iso(point),
      '--db',
      first.dbPath,
      '--force',
    ])
    expect(restored.code).toBe(0)
    expect(await storedValues(first.dbPath, 'notes')).toEqual([1])

    const second = await startServer({ dbPath: first.dbPath, port })
    await writer.whenSaved()
    const reader = connectSdk(second, { table: 'notes' })
    await reader.whenSynced()
    await waitFor(() => reader.table.size === 3, { what: 'the reader to see every edit' })
    expect(reader.table.rowIds().sort()).toEqual(['after-point', 'kept', 'offline'])
  })
})
