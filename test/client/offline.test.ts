// Offline-first in Node over fake-indexeddb: the table opens from IndexedDB before any network
// answer, edits survive a "reload" (a new connection on the same store), and sync later.
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { connect, startServer, uniqueTable, waitFor } from './helpers.js'

const columns = [{ name: 'title', type: 'string' as const }]

describe('connectTable({ offline: true })', () => {
  it('S46: opens and queries the stored table before the network answers, then syncs the edits', async () => {
    const server = await startServer()
    const table = uniqueTable()
    const store = { name: `store-${table}` }
    const first = connect({ url: server.url, table, offline: store, columns, connect: false })
    await first.whenLoaded()
    first.table.addColumn({ name: 'n', type: 'number' })
    const ids = first.table.insertRows([{ n: 1 }, { n: 2 }])
    expect(first.unsaved).toBeGreaterThan(0)
    await first.whenStored()
    await first.close()

    // A reload with the network down: a server that nobody listens on.
    const reloaded = connect({ url: 'ws://127.0.0.1:9', table, offline: store })
    await reloaded.whenLoaded()
    expect(reloaded.table.listRows().map((row) => row.n)).toEqual([1, 2])
    expect(reloaded.unsaved).toBeGreaterThan(0)
    await reloaded.close()

    const online = connect({ url: server.url, table, offline: store })
    await online.whenLoaded()
    await online.whenSynced()
    await online.whenSaved()
    const other = connect({ url: server.url, table })
    await waitFor(() => ids.every((id) => other.table.hasRow(id)))
  })

  it('S46: keeps two tabs that share a store in step without a network', async () => {
    const table = uniqueTable()
    const store = { name: `tabs-${table}` }
    const url = 'ws://127.0.0.1:9'
    const a = connect({ url, table, offline: store, connect: false, columns })
    await a.whenLoaded()
    const b = connect({ url, table, offline: store, connect: false })
    await b.whenLoaded()
    await waitFor(() => b.table.getColumn('title') !== undefined)
    const id = a.table.insertRow({ title: 'from tab a' })
    await waitFor(() => b.table.getRow(id)?.title === 'from tab a', { what: 'b sees a' })
    b.table.setCell(id, 'title', 'from tab b')
    await waitFor(() => a.table.getCell(id, 'title') === 'from tab b', { what: 'a sees b' })
  })
})
