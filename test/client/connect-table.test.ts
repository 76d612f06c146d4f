import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { connectTable, type ConnectionStatus } from '../../client/index.js'
import { isTesseraError, type TableChange } from '../../src/index.js'
import { connect, startServer, startStockServer, uniqueTable, waitFor } from './helpers.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'done', type: 'boolean' as const, default: false },
]

describe('connectTable', () => {
  it('syncs two clients through the server and reports status up to synced', async () => {
    const server = await startServer()
    const table = uniqueTable()
    const a = connect({ url: server.url, table, columns })
    const statuses: ConnectionStatus[] = []
    a.on('status', (status) => statuses.push(status))
    await a.whenSynced()
    expect(statuses).toEqual(['connecting', 'connected', 'synced'])
    await waitFor(() => a.table.getColumn('title') !== undefined)
    const id = a.table.insertRow({ title: 'from a' })

    const b = connect({ url: server.url, table })
    await b.whenSynced()
    await waitFor(() => b.table.getRow(id)?.title === 'from a')
    b.table.updateRow(id, { done: true })
    await waitFor(() => a.table.getRow(id)?.done === true)
  })

  it('S43: counts local changes as unsaved until the server acknowledges them', async () => {
    const server = await startServer()
    const a = connect({ url: server.url, table: uniqueTable(), columns, connect: false })
    const counts: number[] = []
    a.on('unsaved', (n) => counts.push(n))
    a.table.addColumn({ name: 'note', type: 'string' })
    a.table.insertRow({ note: 'offline' })
    expect(a.unsaved).toBeGreaterThanOrEqual(2)
    a.connect()
    await a.whenSaved()
    expect(a.unsaved).toBe(0)
    expect(counts.at(-1)).toBe(0)
  })

  it('S43: syncs with a stock y-websocket server, which never acknowledges, so changes stay unsaved', async () => {
    const stock = await startStockServer()
    const table = uniqueTable()
    const a = connect({ url: stock.url, table, columns })
    await a.whenSynced()
    const id = a.table.insertRow({ title: 'kept unsaved' })
    const b = connect({ url: stock.url, table })
    await waitFor(() => b.table.getRow(id)?.title === 'kept unsaved')
    // b's round trip through the server is done, and still no acknowledgement reached a.
    expect(a.unsaved).toBeGreaterThanOrEqual(2)
  })

  it('reconnects with backoff after the server restarts and sends what was edited meanwhile', async () => {
    const first = await startServer()
    const port = new URL(first.url).port
    const table = uniqueTable()
    const a = connect({ url: first.url, table, columns })
    await a.whenSynced()
    await first.close()
    await waitFor(() => a.status === 'offline' || a.status === 'connecting')
    const id = a.table.insertRow({ title: 'while down' })
    expect(a.unsaved).toBeGreaterThan(0)
    // A new server on the same port: the client finds it on its own.
    const second = await startServer({ port: Number(port), dbPath: first.dbPath })
    await a.whenSynced()
    await a.whenSaved()
    const b = connect({ url: second.url, table })
    await waitFor(() => b.table.getRow(id)?.title === 'while down')
  })

  it('S44: undo reverts only this client own edit, leaving remote edits alone', async () => {
    const server = await startServer()
    const table = uniqueTable()
    const a = connect({ url: server.url, table, columns })
    await a.whenSynced()
    const id = a.table.insertRow({ title: 'start' })
    const b = connect({ url: server.url, table })
    await waitFor(() => b.table.hasRow(id))
    const sources: TableChange['source'][] = []
    a.table.on('change', (change) => sources.push(change.source))
    a.table.updateRow(id, { title: 'edited by a' })
    b.table.updateRow(id, { done: true })
    await waitFor(() => a.table.getRow(id)?.done === true)
    expect(a.history.canUndo).toBe(true)
    expect(a.undo()).toBe(true)
    expect(a.table.getRow(id)).toMatchObject({ title: 'start', done: true })
    expect(sources.at(-1)).toBe('undo')
    await waitFor(() => b.table.getRow(id)?.title === 'start')
    expect(b.table.getRow(id)?.done).toBe(true)
    expect(a.redo()).toBe(true)
    await waitFor(() => b.table.getRow(id)?.title === 'edited by a')
  })

  it('S45: publishes presence to peers and drops it when a client leaves', async () => {
    const server = await startServer()
    const table = uniqueTable()
    const ada = { id: 'u1', name: 'Ada', color: '#e6194b' }
    const a = connect({ url: server.url, table, user: ada, columns })
    const b = connect({ url: server.url, table, user: { id: 'u2', name: 'Bo', color: '#3cb44b' } })
    await Promise.all([a.whenSynced(), b.whenSynced()])
    const id = a.table.insertRow({ title: 'x' })
    a.presence.setSelection({ row: id, column: 'title' })
    await waitFor(() => b.presence.peers().some((peer) => peer.selection?.row === id))
    expect(b.presence.peers()).toEqual([
      { clientId: a.presence.clientId, user: ada, selection: { table, row: id, column: 'title' } },
    ])
    await a.close()
    await waitFor(() => b.presence.peers().length === 0)
    expect(b.presence.userOf(a.presence.clientId)).toEqual(ada)
    expect(JSON.stringify(b.table.toJSON())).not.toContain('Ada')
  })

  it('S40: reports the conflict on the client whose concurrent write lost', async () => {
    const server = await startServer()
    const table = uniqueTable()
    const a = connect({ url: server.url, table, columns })
    await a.whenSynced()
    const id = a.table.insertRow({ title: 'base' })
    const b = connect({ url: server.url, table, user: { id: 'b', name: 'Bo', color: '#000' } })
    await waitFor(() => b.table.hasRow(id))
    a.disconnect()
    b.disconnect()
    a.table.setCell(id, 'title', 'mine from a')
    b.table.setCell(id, 'title', 'mine from b')
    a.connect()
    b.connect()
    await waitFor(() => a.table.getCell(id, 'title') === b.table.getCell(id, 'title'))
    await waitFor(() => a.conflicts.list().length + b.conflicts.list().length === 1)
    const [loser, winner] = a.conflicts.list().length === 1 ? [a, b] : [b, a]
    const [conflict] = loser.conflicts.list()
    expect(conflict).toMatchObject({
      row: id,
      column: 'title',
      mine: loser.table.getCell(id, 'title') === 'mine from a' ? 'mine from b' : 'mine from a',
      theirs: winner.table.getCell(id, 'title'),
      by: winner.presence.clientId,
    })
  })

  it('rejects bad options with INVALID_ARGUMENT naming the option', () => {
    const codeOf = (run: () => unknown): string | undefined => {
      try {
        run()
      } catch (error) {
        return isTesseraError(error) ? `${error.code}: ${error.message}` : 'other'
      }
      return undefined
    }
    expect(codeOf(() => connectTable({ url: 'ftp://x', table: 't', WebSocket }))).toMatch(
      /INVALID_ARGUMENT: connectTable: url/,
    )
    expect(codeOf(() => connectTable({ url: 'ws://x', table: 'a/b', WebSocket }))).toMatch(
      /INVALID_ARGUMENT: connectTable: table/,
    )
    expect(
      codeOf(() => connectTable({ url: 'ws://x', table: 't', WebSocket, tabel: 1 } as never)),
    ).toMatch(/unknown option "tabel"/)
    expect(
      codeOf(() =>
        connectTable({ url: 'ws://x', table: 't', WebSocket, user: { id: 'u' } as never }),
      ),
    ).toMatch(/user.name/)
  })
})
