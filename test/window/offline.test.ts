// connectQuery({ offline }) in Node over fake-indexeddb (the Chromium test runs it on the real
// one): the window's rows and unsaved edits survive a reload with the server unreachable, and
// reach the server once it is back, none lost (S140).
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { connectQuery } from '../../client/query/connect-query.js'
import type { ConnectQueryOptions } from '../../client/query/query-options.js'
import { decodeSavedWindow, encodeSavedWindow } from '../../client/query/window-copy.js'
import { connect, startServer, uniqueTable, waitFor } from '../client/helpers.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'priority', type: 'number' as const, default: 0 },
]
const query = { orderBy: [['priority', 'desc'] as ['priority', 'desc']] }

const open = (options: Omit<ConnectQueryOptions, 'WebSocket' | 'maxBackoffMs'>) =>
  connectQuery({ ...options, WebSocket, maxBackoffMs: 100 })

describe('connectQuery({ offline })', () => {
  it('S140: rows and unsaved edits survive a reload without the server and are all sent on reconnect', async () => {
    const server = await startServer()
    const table = uniqueTable()
    const full = connect({ url: server.url, table, columns })
    await full.whenSynced()
    await waitFor(() => full.table.getColumn('priority') !== undefined)
    full.table.insertRows(Array.from({ length: 30 }, (_, i) => ({ title: `r${i}`, priority: i })))
    await full.whenSaved()
    const offline = { name: `window-${table}` }

    const first = open({ url: server.url, table, query, limit: 10, offline })
    await first.whenLoaded()
    const shown = first.rows.map((row) => row.id)
    first.disconnect()
    first.setCell(shown[0]!, 'title', 'edited offline')
    first.setCell(shown[0]!, 'title', 'edited twice offline')
    const inserted = first.insertRow({ title: 'inserted offline', priority: 100 })
    expect(first.unsaved).toBe(3)
    await first.whenStored()
    await first.close()

    // A reload with the network down: nobody listens on port 9.
    const reloaded = open({ url: 'ws://127.0.0.1:9', table, query, limit: 10, offline })
    await reloaded.whenLoaded()
    expect(reloaded.unsaved).toBe(3)
    expect(reloaded.rows[0]).toMatchObject({ id: inserted, title: 'inserted offline' })
    expect(reloaded.rows[1]).toMatchObject({ id: shown[0], title: 'edited twice offline' })
    expect(reloaded.total).toBe(31)
    // Rows it never received cannot be written (S136).
    const never = full.table.query({ ...query, offset: 20, limit: 1 })[0]!.id
    expect(() => reloaded.setCell(never, 'title', 'x')).toThrow(
      expect.objectContaining({ code: 'ROW_NOT_FOUND' }),
    )
    reloaded.deleteRow(shown[1]!)
    reloaded.updateRow(inserted, { priority: 99 })
    await reloaded.whenStored()
    await reloaded.close()

    const back = open({ url: server.url, table, query, limit: 10, offline })
    await back.whenLoaded()
    await back.whenSaved()
    await waitFor(() => full.table.getRow(shown[0]!)?.title === 'edited twice offline')
    await waitFor(() => full.table.getRow(inserted)?.priority === 99)
    await waitFor(() => full.table.getRow(shown[1]!) === undefined)
    await waitFor(
      () => JSON.stringify(back.rows) === JSON.stringify(full.table.query({ ...query, limit: 10 })),
    )
    expect(back.total).toBe(30)
    await back.close()
    await full.close()
  })

  it('S140: a copy kept for another window gives back its unsaved edits but not its rows', async () => {
    const server = await startServer()
    const table = uniqueTable()
    const full = connect({ url: server.url, table, columns })
    await full.whenSynced()
    await waitFor(() => full.table.getColumn('priority') !== undefined)
    full.table.insertRows(Array.from({ length: 20 }, (_, i) => ({ title: `r${i}`, priority: i })))
    await full.whenSaved()
    const offline = { name: `window-${table}` }
    const first = open({ url: server.url, table, query, limit: 5, offline })
    await first.whenLoaded()
    first.disconnect()
    const id = first.rows[0]!.id
    first.setCell(id, 'title', 'kept')
    await first.whenStored()
    await first.close()

    const other = open({ url: 'ws://127.0.0.1:9', table, query, offset: 5, limit: 5, offline })
    expect(other.rows).toEqual([])
    await waitFor(() => other.unsaved === 1)
    await other.close()
    const back = open({ url: server.url, table, query, offset: 5, limit: 5, offline })
    await back.whenLoaded()
    await back.whenSaved()
    await waitFor(() => full.table.getRow(id)?.title === 'kept')
    await back.close()
    await full.close()
  })

  it('S140: a stored copy that is not a window copy is refused with STORAGE_FAILURE', () => {
    const bytes = encodeSavedWindow({
      query: '{}',
      offset: 0,
      limit: 1,
      columns: [],
      answer: undefined,
      unsaved: [],
    })
    expect(decodeSavedWindow(bytes).query).toBe('{}')
    expect(() => decodeSavedWindow(new Uint8Array([7, 1, 2]))).toThrow(
      expect.objectContaining({ code: 'STORAGE_FAILURE' }),
    )
    expect(() => decodeSavedWindow(bytes.slice(0, 3))).toThrow(
      expect.objectContaining({ code: 'STORAGE_FAILURE' }),
    )
  })
})
