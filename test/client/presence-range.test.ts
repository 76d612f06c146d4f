// S121: presence carries a selected range (its active cell plus the opposite corner) between
// real clients through a real server; a malformed range from a peer is read as its cell only.
import { describe, expect, it } from 'vitest'
import { isTesseraError } from '../../src/index.js'
import { connectStockProvider } from '../helpers/sync-client.js'
import { connect, startServer, uniqueTable, waitFor } from './helpers.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'n', type: 'number' as const },
]

describe('presence ranges', () => {
  it('S121: a selected range reaches the other clients; a cell alone has no `to`', async () => {
    const server = await startServer()
    const table = uniqueTable()
    const ada = connect({ url: server.url, table, columns })
    const bo = connect({ url: server.url, table })
    await Promise.all([ada.whenSynced(), bo.whenSynced()])
    const [first, last] = ada.table.insertRows([{ title: 'a' }, { title: 'b' }])
    ada.presence.setSelection({ row: first!, column: 'title', to: { row: last!, column: 'n' } })
    await waitFor(() => bo.presence.peers()[0]?.selection?.to !== undefined, { what: 'the range' })
    expect(bo.presence.peers()[0]!.selection).toEqual({
      table,
      row: first,
      column: 'title',
      to: { row: last, column: 'n' },
    })
    ada.presence.setSelection({ row: last!, column: 'n' })
    await waitFor(() => bo.presence.peers()[0]?.selection?.row === last, { what: 'the cell' })
    expect(bo.presence.peers()[0]!.selection).toEqual({ table, row: last, column: 'n' })
  })

  it('S121: a malformed range is refused locally and ignored from a peer', async () => {
    const server = await startServer()
    const table = uniqueTable()
    const ada = connect({ url: server.url, table, columns })
    const bo = connect({ url: server.url, table })
    await Promise.all([ada.whenSynced(), bo.whenSynced()])
    let code: string | undefined
    try {
      ada.presence.setSelection({ row: 'r', column: 'c', to: { row: 1 } as never })
    } catch (error) {
      code = isTesseraError(error) ? error.code : 'other'
    }
    expect(code).toBe('INVALID_ARGUMENT')
    // A stock provider writes its state by hand, with a `to` that is not a cell.
    const { provider } = connectStockProvider(server.url, table)
    provider.awareness.setLocalState({
      user: { id: 'p', name: 'Pat', color: '#000' },
      selection: { table, row: 'r', column: 'c', to: { row: 5 } },
    })
    await waitFor(() => bo.presence.peers().some((peer) => peer.user.name === 'Pat'), {
      what: "Pat's presence",
    })
    const pat = bo.presence.peers().find((peer) => peer.user.name === 'Pat')!
    expect(pat.selection).toEqual({ table, row: 'r', column: 'c' })
  })
})
