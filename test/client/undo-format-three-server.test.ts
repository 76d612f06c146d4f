// Undo of format 3 rows across a real server's reclaim of first values (S291, S294, S295): a
// server on 127.0.0.1 with a SQLite file compacting every two log entries, our clients, the
// undoing one offline while the server reclaims what its undo would have read.
import { describe, expect, it } from 'vitest'
import type { Connection } from '../../client/index.js'
import { liveValues } from '../helpers/format-three-read.js'
import { writeRawFormatThreeRows } from '../helpers/raw-format-three.js'
import { startServer } from '../helpers/start-server.js'
import { connect, uniqueTable, waitFor } from './helpers.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'n', type: 'number' as const, default: 0 },
]

/** Two clients of a fresh table on a compacting server; `a` wrote three format 3 rows. */
async function twoClients() {
  const server = await startServer({ compactAfterUpdates: 2 })
  const table = uniqueTable()
  const a = connect({ url: server.wsUrl, table, columns })
  const b = connect({ url: server.wsUrl, table })
  await Promise.all([a.whenSynced(), b.whenSynced()])
  const ids = ['one', 'two', 'three']
  writeRawFormatThreeRows(
    a.table.doc,
    a.table.columns().map((column) => column.id),
    ids.map((id, index) => ({ id, cells: [`first ${id}`, index + 1] })),
  )
  await a.whenSaved()
  await waitFor(() => b.table.size === 3, { what: 'the format 3 rows to reach b' })
  return { server, table, a, b }
}

/**
 * Edits a row of its own from `padder` until the server's reclaim of first values has reached it
 * (an edit adds a log entry and no first value; the row's insert is counted before).
 */
async function compactAndReclaim(padder: Connection): Promise<void> {
  const pad = padder.table.insertRow({ title: 'pad' })
  await padder.whenSaved()
  const before = liveValues(padder.table.doc)
  for (let round = 0; round < 20 && liveValues(padder.table.doc) === before; round++) {
    padder.table.setCell(pad, 'title', `pad ${round}`)
    await padder.whenSaved()
  }
  await waitFor(() => liveValues(padder.table.doc) < before, {
    what: 'the reclaim of first values to reach the padder',
  })
}

describe('undo of format 3 rows across the server’s reclaim', () => {
  it('S294: a first edit undone offline, its first value reclaimed meanwhile, reads its value before the edit on every client', async () => {
    const { server, table, a, b } = await twoClients()
    a.table.setCell('one', 'title', 'edited')
    await a.whenSaved()
    await waitFor(() => b.table.getCell('one', 'title') === 'edited')
    a.disconnect()
    expect(a.undo()).toBe(true)
    expect(a.table.getCell('one', 'title')).toBe('first one')
    await compactAndReclaim(b)
    // b reads the edit still: the first value under it is gone.
    expect(b.table.getCell('one', 'title')).toBe('edited')
    a.connect()
    await a.whenSynced()
    await a.whenSaved()
    await waitFor(() => b.table.getCell('one', 'title') === 'first one', {
      what: "a's undo to reach b",
    })
    const late = connect({ url: server.wsUrl, table })
    await late.whenSynced()
    for (const client of [a, b, late])
      expect(client.table.getRow('one')).toEqual({ id: 'one', title: 'first one', n: 1 })
  })

  it('S295: a row deleted, its first values reclaimed, and the delete undone comes back with its values on every client', async () => {
    const { server, table, a, b } = await twoClients()
    const seen = a.table.getRow('two')
    a.table.deleteRow('two')
    await a.whenSaved()
    await waitFor(() => !b.table.hasRow('two'))
    await compactAndReclaim(b)
    await waitFor(() => liveValues(a.table.doc) === liveValues(b.table.doc), {
      what: 'the reclaim to reach a',
    })
    expect(a.undo()).toBe(true)
    expect(a.table.getRow('two')).toEqual(seen)
    await a.whenSaved()
    await waitFor(() => b.table.hasRow('two'), { what: "a's undo to reach b" })
    const late = connect({ url: server.wsUrl, table })
    await late.whenSynced()
    await waitFor(() => late.table.hasRow('two'))
    for (const client of [a, b, late]) expect(client.table.getRow('two')).toEqual(seen)
  })
  it('S295: a delete undone offline while the server reclaimed the first values of the row brings the row back with its values on every client', async () => {
    const { server, table, a, b } = await twoClients()
    const seen = a.table.getRow('three')
    a.table.deleteRow('three')
    await a.whenSaved()
    await waitFor(() => !b.table.hasRow('three'))
    a.disconnect()
    expect(a.undo()).toBe(true)
    await compactAndReclaim(b)
    a.connect()
    await a.whenSynced()
    await a.whenSaved()
    await waitFor(() => b.table.hasRow('three'), { what: "a's undo to reach b" })
    const late = connect({ url: server.wsUrl, table })
    await late.whenSynced()
    await waitFor(() => late.table.hasRow('three'))
    for (const client of [a, b, late]) expect(client.table.getRow('three')).toEqual(seen)
  })
})
