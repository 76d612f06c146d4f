// Snapshots as the server's stores keep them (server/snapshot-encoding.ts, S185): compressed
// behind a tag, read back as the bytes they were given, older untagged ones as stored.
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it, onTestFinished } from 'vitest'
import * as Y from 'yjs'
import { createTable, TesseraError } from '../../src/index.js'
import { createSqliteStore } from '../../server/adapters/sqlite-store.js'
import { decodeSnapshot, encodeSnapshot, SnapshotFormat } from '../../server/snapshot-encoding.js'
import { call } from '../helpers/auth.js'
import { startServer } from '../helpers/start-server.js'
import { tempDir } from '../helpers/temp-dir.js'

const tag = new Uint8Array(8).fill(0xff)

/** A table's state after some churn: inserts, edits of every cell, deletes. */
function churnedState(): Uint8Array {
  const table = createTable({
    columns: [
      { name: 'title', type: 'string' },
      { name: 'n', type: 'number' },
    ],
  })
  const ids = table.insertRows(Array.from({ length: 200 }, (_, n) => ({ title: `row ${n}`, n })))
  for (let round = 0; round < 3; round++)
    for (const id of ids) table.updateRow(id, { title: `${id} ${round}`, n: round })
  table.deleteRows(ids.slice(0, 20))
  return Y.encodeStateAsUpdate(table.doc)
}

const rowsOf = (update: Uint8Array) => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return createTable({ doc }).listRows()
}

const failureOf = async (promise: Promise<unknown>): Promise<TesseraError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(TesseraError)
  return error as TesseraError
}

describe('snapshot encoding', () => {
  it('S185: a Yjs state is stored tagged, smaller, and reads back as the same update', async () => {
    const state = churnedState()
    const stored = encodeSnapshot(state)
    expect(stored.subarray(0, 8)).toEqual(tag)
    expect(stored[8]).toBe(SnapshotFormat.Brotli)
    expect(stored.byteLength).toBeLessThan(state.byteLength / 3)
    const read = await decodeSnapshot(stored, 'test')
    expect(read).toEqual(state)
    expect(rowsOf(read)).toEqual(rowsOf(state))
    expect(Y.encodeStateVectorFromUpdate(read)).toEqual(Y.encodeStateVectorFromUpdate(state))
  })

  it('S185: an untagged snapshot (an earlier version wrote it) reads as stored', async () => {
    const state = churnedState()
    expect(await decodeSnapshot(state, 'test')).toBe(state)
  })

  it('S185: bytes that are not a Yjs update read back exactly, even when they start like a tag', async () => {
    // Zeros, then bytes lib0 never reads: they parse as an empty update followed by garbage.
    const loose = new Uint8Array(1000).map((_, index) => (index < 2 ? 0 : index % 256))
    expect(await decodeSnapshot(encodeSnapshot(loose), 'test')).toEqual(loose)
    const tagLike = new Uint8Array([...tag, 1, 2, 3])
    const stored = encodeSnapshot(tagLike)
    expect(stored[8]).toBe(SnapshotFormat.Brotli)
    expect(await decodeSnapshot(stored, 'test')).toEqual(tagLike)
    expect(await decodeSnapshot(encodeSnapshot(new Uint8Array()), 'test')).toEqual(new Uint8Array())
  })

  it('S185: a damaged or newer tagged snapshot fails with STORAGE_FAILURE, never as another state', async () => {
    const stored = encodeSnapshot(churnedState())
    const damaged = stored.slice(0, stored.byteLength - 40)
    expect((await failureOf(decodeSnapshot(damaged, 'table "t"'))).code).toBe('STORAGE_FAILURE')
    const newer = stored.slice()
    newer[8] = 9
    const error = await failureOf(decodeSnapshot(newer, 'table "t"'))
    expect(error.code).toBe('STORAGE_FAILURE')
    expect(error.message).toMatch(/format 9.*upgrade tessera/)
  })

  it('S185: the SQLite store keeps the encoded bytes and lists their stored size; every read gets the update', async () => {
    const path = join(tempDir(), 'snapshots.db')
    const store = createSqliteStore({ path })
    onTestFinished(() => store.close())
    const state = churnedState()
    await store.append('t', [{ update: state, atMs: 1, author: null }])
    await store.compact('t', state, 1, { atMs: 1 })
    const [info] = await store.snapshots('t')
    expect(info!.byteLength).toBeLessThan(state.byteLength / 3)
    expect(rowsOf((await store.load('t')).snapshot!)).toEqual(rowsOf(state))
    expect(rowsOf((await store.readSnapshot('t', 1))!)).toEqual(rowsOf(state))
    const db = new Database(path, { readonly: true })
    onTestFinished(() => {
      db.close()
    })
    const row = db.prepare('SELECT data FROM snapshots').get() as { data: Buffer }
    expect(row.data.byteLength).toBe(info!.byteLength)
    expect(new Uint8Array(row.data.subarray(0, 8))).toEqual(tag)
  })

  it('S185: a database whose snapshots an earlier version stored untagged opens, and its next compaction is tagged', async () => {
    const fixture = join(import.meta.dirname, '..', 'fixtures', 'formats', 'format-2-layout-2')
    const dbPath = join(tempDir(), 'tessera.db')
    copyFileSync(join(fixture, 'tessera.db'), dbPath)
    const old = new Database(dbPath, { readonly: true })
    const untagged = old.prepare('SELECT data FROM snapshots').all() as { data: Buffer }[]
    old.close()
    expect(untagged.length).toBeGreaterThan(0)
    expect(untagged.every((row) => row.data[0] !== 0xff || row.data[1] !== 0xff)).toBe(true)

    const server = await startServer({ dbPath, compactAfterUpdates: 1 })
    const before = (await call(server, 'GET', '/tables/fixture/rows')).body.rows as unknown[]
    expect(before.length).toBeGreaterThan(0)
    const patched = await call(server, 'PATCH', '/tables/fixture/rows/r2', { body: { amount: 8 } })
    expect(patched.status).toBe(200)
    await server.close()

    const db = new Database(dbPath, { readonly: true })
    const newest = db.prepare('SELECT data FROM snapshots ORDER BY seq DESC LIMIT 1').get() as {
      data: Buffer
    }
    db.close()
    expect(new Uint8Array(newest.data.subarray(0, 8))).toEqual(tag)
    const again = await startServer({ dbPath })
    const rows = (await call(again, 'GET', '/tables/fixture/rows')).body.rows as {
      id: string
      amount?: unknown
    }[]
    expect(rows.find((row) => row.id === 'r2')?.amount).toBe(8)
    expect(rows.length).toBe(before.length)
  })
})
