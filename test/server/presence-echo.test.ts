// S118: presence that peers relay back to the server (stock y-websocket providers, and so our
// client, echo every awareness change they receive) is never counted as a FORBIDDEN attempt.
import { describe, expect, it } from 'vitest'
import { connect, uniqueTable, waitFor } from '../client/helpers.js'
import { startServer } from '../helpers/start-server.js'

describe('presence relayed between two clients', () => {
  it('S118: selection moves of two clients on a server without auth count no FORBIDDEN error', async () => {
    const server = await startServer()
    const table = uniqueTable('echo')
    const columns = [{ name: 'title', type: 'string' as const }]
    const ada = connect({ url: server.wsUrl, table, columns })
    await ada.whenSynced()
    const bo = connect({ url: server.wsUrl, table, columns })
    await bo.whenSynced()
    const id = ada.table.insertRow({ title: 'x' })
    for (let move = 0; move < 5; move++) {
      ada.presence.setSelection({ row: id, column: `c${move}` })
      bo.presence.setSelection({ row: id, column: `d${move}` })
    }
    await waitFor(
      () =>
        ada.presence.peers()[0]?.selection?.column === 'd4' &&
        bo.presence.peers()[0]?.selection?.column === 'c4',
      { what: 'both last selections' },
    )
    expect(await server.registry.metrics()).not.toMatch(/tessera_errors_total\{code="FORBIDDEN"\}/)
  })
})
