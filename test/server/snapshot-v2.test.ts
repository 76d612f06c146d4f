// Snapshots in Yjs update format v2 (S205): compaction hands the store the doc's v2 encoding,
// every reader applies it (load, history, row history, backups, copies), the wire stays v1, and
// snapshots written before (untagged v1, tagged format 1) keep opening.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it, onTestFinished } from 'vitest'
import * as Y from 'yjs'
import { applySnapshot, createMemoryStore, createTable, type Store } from '../../src/index.js'
import { copyHistoryUntil, encodeSnapshot, isV1Snapshot } from '../../src/internal.js'
import { createSqliteStore } from '../../server/adapters/sqlite-store.js'
import {
  decodeSnapshot,
  encodeSnapshot as storeSnapshot,
  SnapshotFormat,
} from '../../server/snapshot-encoding.js'
import { createMemoryFanoutHub, type MemoryFanoutHub } from '../../server/adapters/memory-fanout.js'
import { call } from '../helpers/auth.js'
import { connectSdk, iso, markTime } from '../helpers/history.js'
import { startServer } from '../helpers/start-server.js'
import { connectStockProvider } from '../helpers/sync-client.js'
import { tempDir } from '../helpers/temp-dir.js'
import { startInProcessNode } from '../helpers/in-process-node.js'
import { waitFor } from '../helpers/wait-for.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'points', type: 'number' as const, default: 0 },
]

/** The format byte of each stored snapshot of `dbPath`, oldest first. */
function storedFormats(dbPath: string): number[] {
  const db = new Database(dbPath, { readonly: true })
  onTestFinished(() => {
    db.close()
  })
  const rows = db.prepare('SELECT data FROM snapshots ORDER BY seq').all() as { data: Buffer }[]
  return rows.map((row) => row.data[8]!)
}

const rowsOfDoc = (doc: Y.Doc) => createTable({ doc }).listRows()

/** Rooms of one node over an in-process fanout, compacting every 3 log entries. */
const startNode = (hub: MemoryFanoutHub, store: Store) =>
  startInProcessNode(hub, store, { compactAfterUpdates: 3, historyRetentionMs: 0 })

describe('snapshots in update format v2', () => {
  it('S205: a v2 snapshot is tagged, stored as its v2 update compressed, and reads back exactly', async () => {
    const table = createTable({ columns })
    const ids = table.insertRows(Array.from({ length: 300 }, (_, n) => ({ title: `r${n}` })))
    for (let round = 0; round < 3; round++)
      for (const id of ids) table.updateRow(id, { title: `${id} ${round}`, points: round })
    const snapshot = encodeSnapshot(table.doc)
    expect(isV1Snapshot(snapshot)).toBe(false)
    expect(() => {
      Y.applyUpdate(new Y.Doc(), snapshot)
    }).toThrow()
    const stored = storeSnapshot(snapshot)
    expect(stored[8]).toBe(SnapshotFormat.BrotliV2)
    expect(await decodeSnapshot(stored, 'test')).toEqual(snapshot)
    const doc = new Y.Doc()
    applySnapshot(doc, snapshot)
    expect(rowsOfDoc(doc)).toEqual(table.listRows())
    // The same state in v1 is larger: v2 run-length codes the clients and clocks of the edits.
    expect(snapshot.byteLength).toBeLessThan(Y.encodeStateAsUpdate(table.doc).byteLength)
  })

  it('S205: compaction stores v2; the table reloads from it, reads at past times, and a stock y-websocket client joins over the v1 wire', async () => {
    const server = await startServer({ compactAfterUpdates: 5 })
    const conn = connectSdk(server, { table: 'todos', columns })
    await conn.whenSynced()
    for (let n = 0; n < 12; n++) {
      conn.table.insertRow({ title: `t${n}`, points: n }, { id: `r${n}` })
      await conn.whenSaved()
    }
    const first = await markTime(server, 'todos')
    for (let n = 0; n < 12; n++) {
      conn.table.updateRow(`r${n}`, { points: n * 10 })
      await conn.whenSaved()
    }
    const expected = conn.table.listRows()
    await conn.close()
    await server.close()
    expect(storedFormats(server.dbPath).length).toBeGreaterThan(0)
    expect(storedFormats(server.dbPath).every((format) => format === SnapshotFormat.BrotliV2)).toBe(
      true,
    )

    const again = await startServer({ dbPath: server.dbPath })
    const stock = connectStockProvider(again.wsUrl, 'todos')
    await waitFor(() => stock.provider.synced, { what: 'the stock client to sync' })
    expect(rowsOfDoc(stock.doc)).toEqual(expected)
    const then = await call(again, 'GET', `/tables/todos/rows?at=${iso(first)}`)
    expect(then.body.rows).toEqual(
      Array.from({ length: 12 }, (_, n) => ({ id: `r${n}`, title: `t${n}`, points: n })),
    )
    const history = await call(again, 'GET', '/tables/todos/rows/r3/history')
    const actions = (body: unknown) =>
      (body as { entries: { action: string }[] }).entries.map((entry) => entry.action)
    expect(actions(history.body)).toEqual(['schema', 'insert', 'update'])
    // From entry 12 on, the replay starts at a (v2) snapshot.
    const later = await call(again, 'GET', '/tables/todos/rows/r3/history?after=12')
    expect(later.body).toMatchObject({ entries: [{ action: 'update', cells: { points: 30 } }] })
  })

  it('S205: a database whose snapshots are tagged format 1 (S185) opens; its next compaction writes format 2', async () => {
    const dbPath = join(tempDir(), 'tessera.db')
    const table = createTable({ columns })
    table.insertRows(Array.from({ length: 20 }, (_, n) => ({ id: `r${n}`, title: `t${n}` })))
    const v1 = Y.encodeStateAsUpdate(table.doc)
    const old = createSqliteStore({ path: dbPath })
    await old.append('t', [{ update: v1, atMs: 1, author: null }])
    await old.compact('t', v1, 1, { atMs: 1 })
    await old.close()
    expect(storedFormats(dbPath)).toEqual([SnapshotFormat.Brotli])

    const server = await startServer({ dbPath, compactAfterUpdates: 1 })
    expect(((await call(server, 'GET', '/tables/t/rows')).body.rows as unknown[]).length).toBe(20)
    const patched = await call(server, 'PATCH', '/tables/t/rows/r2', { body: { points: 8 } })
    expect(patched.status).toBe(200)
    await server.close()
    expect(storedFormats(dbPath).at(-1)).toBe(SnapshotFormat.BrotliV2)
    const again = await startServer({ dbPath })
    const rows = (await call(again, 'GET', '/tables/t/rows')).body.rows as { points?: unknown }[]
    expect(rows.length).toBe(20)
    expect(rows[2]!.points).toBe(8)
  })

  it('S205: a copy between stores keeps v1 and v2 snapshots as they are, and both open', async () => {
    const table = createTable({ columns })
    table.insertRows([{ id: 'a', title: 'a' }])
    const v1 = Y.encodeStateAsUpdate(table.doc)
    table.insertRows([{ id: 'b', title: 'b' }])
    const v2 = encodeSnapshot(table.doc)
    const from = createSqliteStore({ path: join(tempDir(), 'from.db') })
    onTestFinished(() => from.close())
    await from.append('t', [
      { update: v1, atMs: 1, author: null },
      { update: Y.encodeStateAsUpdate(table.doc), atMs: 2, author: null },
    ])
    await from.compact('t', v1, 1, { atMs: 1 })
    await from.compact('t', v2, 2, { atMs: 2 })
    await from.trim('t', 1)
    const to = createMemoryStore()
    expect(await copyHistoryUntil(from, to, 't', Number.MAX_SAFE_INTEGER)).toEqual({
      entries: 1,
      seq: 2,
    })
    expect(await to.readSnapshot('t', 1)).toEqual(v1)
    expect(await to.readSnapshot('t', 2)).toEqual(v2)
    const doc = new Y.Doc()
    applySnapshot(doc, (await to.load('t')).snapshot!)
    expect(rowsOfDoc(doc)).toEqual(table.listRows())
  })

  it('S205: a node that missed entries catches up from the store past a v2 snapshot', async () => {
    const hub = createMemoryFanoutHub()
    const store = createMemoryStore()
    const [a, b] = await Promise.all([startNode(hub, store), startNode(hub, store)])
    const roomA = await a.rooms.acquire('t', { canCreate: true })
    const roomB = await b.rooms.acquire('t', { canCreate: true })
    b.fanout.cut()
    for (let index = 0; index < 10; index++) {
      roomA.doc.getMap('m').set(`k${index}`, index)
      await roomA.flushed()
    }
    const stored = await store.load('t', { afterSeq: 0 })
    expect(stored.snapshot).toBeDefined()
    expect(isV1Snapshot(stored.snapshot!)).toBe(false)
    b.fanout.restore()
    await waitFor(() => roomB.doc.getMap('m').size === 10, { what: 'node B to catch up' })
    expect(roomB.doc.getMap('m').toJSON()).toEqual(roomA.doc.getMap('m').toJSON())
  })
})
