// Undo across the server's compaction (S275, S277), end to end: a real server on 127.0.0.1 with
// a SQLite file compacting every few log entries, our clients, and a stock y-websocket provider.
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import type { Connection } from '../../client/index.js'
import { createTable, type Row, type Table } from '../../src/index.js'
import { tableMaps } from '../../src/internal.js'
import { startServer } from '../helpers/start-server.js'
import { connect, uniqueTable, waitFor } from './helpers.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'n', type: 'number' as const, default: 0 },
]

/** Live overrides in a table's doc (a reclaim deletes those of deleted rows). */
const overrides = (table: Table): number => tableMaps(table.doc).overrides.size

/**
 * Writes rows from `padder` until the server has compacted and its reclaim has reached every
 * table in `readers` (no live override left: the only one was the dead life's).
 */
async function compactAndReclaim(padder: Connection, readers: Table[]): Promise<void> {
  for (let round = 0; round < 20 && readers.some((table) => overrides(table) > 0); round++) {
    padder.table.insertRow({ title: `pad ${round}` })
    await padder.whenSaved()
  }
  await waitFor(() => readers.every((table) => overrides(table) === 0), {
    what: 'the reclaim to reach every client',
  })
}

/** A row edited by `a`; `b`, offline, edits the same cell while `a` deletes the row. */
async function raceDelete(
  a: Connection,
  b: { table: Table; edit(id: string): void; sync(): Promise<void> },
) {
  const id = a.table.insertRow({ title: 'first', n: 1 })
  a.table.setCell(id, 'title', 'edited by a')
  a.table.setCell(id, 'n', 2)
  await a.whenSaved()
  const seen: Row = a.table.getRow(id)!
  await waitFor(() => b.table.getCell(id, 'n') === 2, { what: "a's edits to reach b" })
  b.edit(id)
  a.table.deleteRow(id)
  await a.whenSaved()
  await b.sync()
  // b's edit of the deleted life (S3: no reader shows it) reached a, reclaimed or not yet.
  const { clientID } = b.table.doc
  const written = Y.getState(b.table.doc.store, clientID)
  await waitFor(() => Y.getState(a.table.doc.store, clientID) >= written, {
    what: "b's edit to reach a",
  })
  return { id, seen }
}

describe('undo across a compaction', () => {
  it('S275: a row deleted, compacted and undone comes back with the edits this client saw, on every client', async () => {
    const server = await startServer({ compactAfterUpdates: 2 })
    const table = uniqueTable()
    const a = connect({ url: server.wsUrl, table, columns })
    const b = connect({ url: server.wsUrl, table })
    await Promise.all([a.whenSynced(), b.whenSynced()])
    const { id, seen } = await raceDelete(a, {
      table: b.table,
      edit(row) {
        b.disconnect()
        b.table.setCell(row, 'title', 'edited by b, offline')
      },
      async sync() {
        b.connect()
        await b.whenSaved()
      },
    })
    await compactAndReclaim(b, [a.table, b.table])
    expect(a.undo()).toBe(true)
    expect(a.table.getRow(id)).toEqual(seen)
    await a.whenSaved()
    await waitFor(() => b.table.hasRow(id))
    expect(b.table.getRow(id)).toEqual(seen)
    // A client that joins now reads it from the server's SQLite file.
    const late = connect({ url: server.wsUrl, table })
    await late.whenSynced()
    await waitFor(() => late.table.hasRow(id))
    expect(late.table.getRow(id)).toEqual(seen)
    // Redo deletes it again; undo brings it back again.
    expect(a.redo()).toBe(true)
    await waitFor(() => !b.table.hasRow(id))
    expect(a.undo()).toBe(true)
    await waitFor(() => b.table.hasRow(id))
    expect(b.table.getRow(id)).toEqual(seen)
  })

  it('S275: a stock y-websocket client whose concurrent edit was reclaimed sees the row restored as the undoing client read it', async () => {
    const server = await startServer({ compactAfterUpdates: 2 })
    const table = uniqueTable()
    const a = connect({ url: server.wsUrl, table, columns })
    await a.whenSynced()
    const doc = new Y.Doc()
    const provider = new WebsocketProvider(server.wsUrl, table, doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    })
    const stock = createTable({ doc })
    const synced = (): Promise<void> =>
      new Promise((resolve) => {
        if (provider.synced) resolve()
        else provider.once('sync', () => resolve())
      })
    try {
      await synced()
      const { id, seen } = await raceDelete(a, {
        table: stock,
        edit(row) {
          provider.disconnect()
          stock.setCell(row, 'n', 40)
        },
        async sync() {
          provider.connect()
          await synced()
        },
      })
      await compactAndReclaim(a, [a.table, stock])
      expect(a.undo()).toBe(true)
      expect(a.table.getRow(id)).toEqual(seen)
      await waitFor(() => stock.hasRow(id), { what: 'the stock client to see the row back' })
      expect(stock.getRow(id)).toEqual(seen)
    } finally {
      provider.destroy()
    }
  })

  it('S277: an undo made offline keeps the row when the concurrent edit and its reclaim arrive on reconnect', async () => {
    const server = await startServer({ compactAfterUpdates: 2 })
    const table = uniqueTable()
    const a = connect({ url: server.wsUrl, table, columns })
    const b = connect({ url: server.wsUrl, table })
    await Promise.all([a.whenSynced(), b.whenSynced()])
    const id = a.table.insertRow({ title: 'first', n: 1 })
    a.table.setCell(id, 'title', 'edited by a')
    await a.whenSaved()
    await waitFor(() => b.table.getCell(id, 'title') === 'edited by a')
    const seen = a.table.getRow(id)!
    b.disconnect()
    b.table.setCell(id, 'title', 'edited by b, offline')
    b.table.setCell(id, 'n', 5)
    a.table.deleteRow(id)
    await a.whenSaved()
    a.disconnect()
    b.connect()
    await b.whenSaved()
    await compactAndReclaim(b, [b.table])
    // a, offline, has seen neither b's edits nor their reclaim.
    expect(a.undo()).toBe(true)
    expect(a.table.getRow(id)).toEqual(seen)
    a.connect()
    await a.whenSynced()
    await a.whenSaved()
    expect(a.table.getRow(id)).toEqual(seen)
    await waitFor(() => b.table.hasRow(id))
    await waitFor(() => b.table.getCell(id, 'title') === 'edited by a')
    expect(b.table.getRow(id)).toEqual(seen)
  })
})
