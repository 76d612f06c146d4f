// connectQuery against a real server on 127.0.0.1 with a full replica (connectTable) beside it:
// the window follows the query, and its writes are Yjs updates the server checks, stores and
// acknowledges like any other (S135–S139).
import { describe, expect, it, onTestFinished } from 'vitest'
import { WebSocket } from 'ws'
import { connectQuery } from '../../client/query/connect-query.js'
import type { ConnectQueryOptions } from '../../client/query/query-options.js'
import type { Connection } from '../../client/index.js'
import { isTesseraError } from '../../src/index.js'
import { connect, startServer, uniqueTable, waitFor } from '../client/helpers.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'priority', type: 'number' as const, default: 0 },
  { name: 'done', type: 'boolean' as const, default: false },
]

/** A full replica holding `count` rows (priority i % 10, title "row i"), saved on the server. */
async function seeded(url: string, table: string, count: number): Promise<Connection> {
  const full = connect({ url, table, columns })
  await full.whenSynced()
  await waitFor(() => full.table.getColumn('done') !== undefined)
  full.table.insertRows(
    Array.from({ length: count }, (_, i) => ({ title: `row ${i}`, priority: i % 10 })),
  )
  await full.whenSaved()
  return full
}

function windowOf(options: Omit<ConnectQueryOptions, 'WebSocket'>) {
  const q = connectQuery({ ...options, WebSocket })
  onTestFinished(() => q.close())
  return q
}

const query = { where: { done: false }, orderBy: [['priority', 'desc'] as ['priority', 'desc']] }

describe('connectQuery', () => {
  it('S139: shows the same rows and total as the query run on a full replica, and follows its edits', async () => {
    const server = await startServer()
    const table = uniqueTable()
    const full = await seeded(server.url, table, 300)
    const q = windowOf({ url: server.url, table, query, offset: 20, limit: 10 })
    await q.whenLoaded()
    const expected = () => full.table.query({ ...query, offset: 20, limit: 10 })
    expect(q.rows).toEqual(expected())
    expect(q.total).toBe(300)
    // A remote edit that moves a row into the window reaches it as a diff.
    const diffs: string[] = []
    q.subscribe((diff) => diffs.push(diff.source))
    const moved = full.table.query({ where: { priority: 0 }, limit: 1 })[0]!
    full.table.updateRow(moved.id, { priority: 9, title: 'moved up' })
    full.table.updateRow(full.table.query({ ...query, limit: 1 })[0]!.id, { done: true })
    await waitFor(() => q.total === 299 && JSON.stringify(q.rows) === JSON.stringify(expected()))
    expect(diffs).toContain('remote')
  })

  it('S135: a cell edit, an insert and a delete from a window client reach a full replica, durable and acknowledged', async () => {
    const server = await startServer()
    const table = uniqueTable()
    const full = await seeded(server.url, table, 50)
    const q = windowOf({ url: server.url, table, limit: 5 })
    await q.whenLoaded()
    const [first, second] = q.rows
    q.setCell(first!.id, 'title', 'edited in a window')
    expect(q.rows[0]!.title).toBe('edited in a window')
    expect(q.unsaved).toBe(1)
    const inserted = q.insertRow({ title: 'inserted in a window', priority: 7 })
    expect(q.deleteRow(second!.id)).toBe(true)
    await q.whenSaved()
    expect(q.unsaved).toBe(0)
    await waitFor(() => full.table.getRow(first!.id)?.title === 'edited in a window')
    await waitFor(() => full.table.getRow(inserted)?.priority === 7)
    await waitFor(() => full.table.getRow(second!.id) === undefined)
    // Appended after every row the server knew (the window shows rows 0-4 of 50).
    expect(full.table.listRows().at(-1)!.id).toBe(inserted)
    expect(full.table.getRow(inserted)).toEqual({
      id: inserted,
      title: 'inserted in a window',
      priority: 7,
      done: false,
    })
    // Durable: a replica that joins a restarted server reads them.
    await server.close()
    const again = await startServer({ dbPath: server.dbPath })
    const late = connect({ url: again.url, table })
    await late.whenSynced()
    expect(late.table.getRow(first!.id)?.title).toBe('edited in a window')
    expect(late.table.getRow(second!.id)).toBeUndefined()
    expect(late.table.listRows()).toHaveLength(50)
  })

  it('S135: writing one cell again after its acknowledgement replaces the value (the write names its own last item)', async () => {
    const server = await startServer()
    const table = uniqueTable()
    const full = await seeded(server.url, table, 10)
    const q = windowOf({ url: server.url, table, limit: 10 })
    await q.whenLoaded()
    const id = q.rows[3]!.id
    for (const value of [1, 2, 3, 4]) {
      q.setCell(id, 'priority', value)
      await q.whenSaved()
    }
    q.transact(() => {
      q.setCell(id, 'priority', 5)
      q.setCell(id, 'priority', 6)
    })
    await q.whenSaved()
    await waitFor(() => full.table.getRow(id)?.priority === 6)
    await waitFor(() => q.rows[3]?.priority === 6 && q.unsaved === 0)
  })

  it('S135: concurrent writes of one cell by a window client and a full replica end the same on both', async () => {
    const server = await startServer()
    const table = uniqueTable()
    const full = await seeded(server.url, table, 10)
    const q = windowOf({ url: server.url, table, limit: 10 })
    await q.whenLoaded()
    const id = q.rows[0]!.id
    full.disconnect()
    full.table.updateRow(id, { title: 'from the full replica' })
    q.setCell(id, 'title', 'from the window')
    await q.whenSaved()
    full.connect()
    await full.whenSaved()
    await waitFor(() => q.rows[0]?.title === full.table.getRow(id)?.title)
  })

  it('S138: a row a window client inserts outside its window counts once in the total, before and after its acknowledgement', async () => {
    const server = await startServer()
    const table = uniqueTable()
    await seeded(server.url, table, 16)
    const q = windowOf({ url: server.url, table, limit: 8 })
    await q.whenLoaded()
    const totals: number[] = []
    q.subscribe((diff) => totals.push(diff.total))
    q.insertRow({ title: 'appended', priority: 9 })
    expect(q.total).toBe(17)
    await q.whenSaved()
    expect(q.total).toBe(17)
    expect(totals.every((total) => total === 17)).toBe(true)
  })

  it('S136: refuses locally an edit of a row the window does not hold, and a value its column refuses', async () => {
    const server = await startServer()
    const table = uniqueTable()
    const full = await seeded(server.url, table, 30)
    const q = windowOf({ url: server.url, table, limit: 5 })
    await q.whenLoaded()
    const outside = full.table.listRows()[20]!.id
    const refusal = (run: () => void) => {
      try {
        run()
      } catch (error) {
        return isTesseraError(error) ? error.code : String(error)
      }
      return 'none'
    }
    expect(refusal(() => q.setCell(outside, 'title', 'x'))).toBe('ROW_NOT_FOUND')
    expect(q.deleteRow(outside)).toBe(false)
    expect(refusal(() => q.setCell(q.rows[0]!.id, 'priority', 'high'))).toBe('SCHEMA_VIOLATION')
    expect(refusal(() => q.setCell(q.rows[0]!.id, 'nope', 1))).toBe('COLUMN_NOT_FOUND')
    expect(q.unsaved).toBe(0)
  })

  it('S137: insertRow with a caller-given id upserts a row of the window and refuses any other id', async () => {
    const server = await startServer()
    const table = uniqueTable()
    const full = await seeded(server.url, table, 30)
    const q = windowOf({ url: server.url, table, limit: 5 })
    await q.whenLoaded()
    const outside = full.table.listRows()[20]!.id
    expect(() => q.insertRow({ title: 'blind' }, { id: outside })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    const held = q.rows[1]!.id
    expect(q.insertRow({ title: 'upserted' }, { id: held })).toBe(held)
    await q.whenSaved()
    await waitFor(() => full.table.getRow(held)?.title === 'upserted')
    expect(full.table.getRow(outside)?.title).toBe('row 20')
    expect(full.table.listRows()).toHaveLength(30)
  })

  it('S138: own edits show at once, filtered and sorted again, and stay shown until the server answers', async () => {
    const server = await startServer()
    const table = uniqueTable()
    const full = await seeded(server.url, table, 40)
    const q = windowOf({ url: server.url, table, query, limit: 10 })
    await q.whenLoaded()
    const sources: string[] = []
    q.subscribe((diff) => sources.push(diff.source))
    const leaving = q.rows[2]!.id
    q.setCell(leaving, 'done', true)
    expect(q.rows.map((row) => row.id)).not.toContain(leaving)
    expect(q.total).toBe(39)
    const top = q.insertRow({ title: 'new top', priority: 100 })
    expect(q.rows[0]).toEqual({ id: top, title: 'new top', priority: 100, done: false })
    expect(q.total).toBe(40)
    expect(sources).toEqual(['local', 'local'])
    await q.whenSaved()
    await waitFor(
      () => JSON.stringify(q.rows) === JSON.stringify(full.table.query({ ...query, limit: 10 })),
    )
    expect(q.total).toBe(40)
  })

  it('moves the window with setWindow and keeps the server to its limits', async () => {
    const server = await startServer()
    const table = uniqueTable()
    const full = await seeded(server.url, table, 120)
    const q = windowOf({ url: server.url, table, query, limit: 50 })
    await q.whenLoaded()
    q.setWindow({ offset: 50, limit: 50 })
    await q.whenLoaded()
    expect(q.rows).toEqual(full.table.query({ ...query, offset: 50, limit: 50 }))
    q.setWindow({ offset: 0, limit: 5000 })
    await expect(q.whenLoaded()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    const bad = windowOf({ url: server.url, table, query: { where: { nope: 1 } }, limit: 5 })
    await expect(bad.whenLoaded()).rejects.toMatchObject({ code: 'INVALID_QUERY' })
    expect(() => connectQuery({ url: server.url, table, limit: 5, extra: 1 } as never)).toThrow(
      /unknown option "extra"/,
    )
  })
})
