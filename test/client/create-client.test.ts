import { describe, expect, it, onTestFinished } from 'vitest'
import { WebSocket } from 'ws'
import { createClient } from '../../client/index.js'
import { isTesseraError } from '../../src/index.js'
import { connect, startServer, uniqueTable, waitFor } from './helpers.js'

describe('createClient', () => {
  it('shares options and identity between tables and one connection per table', async () => {
    const server = await startServer()
    const user = { id: 'u1', name: 'Ada', color: '#e6194b' }
    const client = createClient({ url: server.url, user, WebSocket })
    onTestFinished(() => client.close())
    const [first, second] = [uniqueTable(), uniqueTable()]
    const a = client.connectTable(first, { columns: [{ name: 'title', type: 'string' }] })
    const b = client.connectTable(second)
    expect(client.connectTable(first)).toBe(a)
    expect(client.tables()).toEqual([first, second])
    await Promise.all([a.whenSynced(), b.whenSynced()])
    expect(b.presence.user).toEqual(user)

    const id = a.table.insertRow({ title: 'shared' })
    const other = connect({ url: server.url, table: first })
    await waitFor(() => other.table.getRow(id)?.title === 'shared')
    await waitFor(() => other.presence.peers().some((peer) => peer.user.name === 'Ada'))

    await a.close()
    expect(client.tables()).toEqual([second])
    expect(client.connectTable(first)).not.toBe(a)
    await client.close()
    expect(client.tables()).toEqual([])
    try {
      client.connectTable(first)
      expect.unreachable()
    } catch (error) {
      expect(isTesseraError(error, 'CLOSED')).toBe(true)
    }
  })
})
