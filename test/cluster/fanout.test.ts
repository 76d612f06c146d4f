// Three nodes on one PostgreSQL and one Redis, in this process: stock y-websocket clients spread
// over them converge, REST writes on one node reach WebSocket clients on another.
import { expect, it } from 'vitest'
import { createTable } from '../../src/index.js'
import { createDeployment } from '../helpers/cluster-nodes.js'
import { describeWithServices } from '../helpers/services.js'
import { connectStockProvider } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

describeWithServices('fan-out between nodes', () => {
  it('S91: stock y-websocket clients of one table spread over three nodes converge', async () => {
    const deployment = await createDeployment()
    const nodes = await Promise.all([0, 1, 2].map(() => deployment.startNode()))
    const clients = Array.from({ length: 9 }, (_, index) =>
      connectStockProvider(nodes[index % 3]!.wsUrl, 'shared'),
    )
    await waitFor(() => clients.every(({ provider }) => provider.synced), { what: 'sync' })
    clients.forEach(({ doc }, index) => {
      doc.transact(() => {
        for (let cell = 0; cell < 20; cell++) doc.getMap('m').set(`${index}:${cell}`, cell)
      })
    })
    const expected = 9 * 20
    await waitFor(() => clients.every(({ doc }) => doc.getMap('m').size === expected), {
      what: 'every client to hold every cell',
      timeoutMs: 30_000,
    })
    const states = clients.map(({ doc }) => doc.getMap('m').toJSON())
    for (const state of states) expect(state).toEqual(states[0])
  })

  it('S91: a REST write on one node reaches a WebSocket client on another', async () => {
    const deployment = await createDeployment()
    const [a, b] = await Promise.all([deployment.startNode(), deployment.startNode()])
    const reader = connectStockProvider(b.wsUrl, 'todos')
    await waitFor(() => reader.provider.synced, { what: 'sync' })
    await fetch(`${a.url}/tables`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'todos', columns: [{ name: 'title', type: 'string' }] }),
    })
    const response = await fetch(`${a.url}/tables/todos/rows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'r1', title: 'from REST on node A' }),
    })
    expect(response.status).toBe(201)
    const table = createTable({ doc: reader.doc })
    await waitFor(() => table.getRow('r1')?.title === 'from REST on node A', {
      what: 'the REST row on node B',
      timeoutMs: 20_000,
    })
    const rows = await (await fetch(`${b.url}/tables/todos/rows/r1`)).json()
    expect(rows).toMatchObject({ title: 'from REST on node A' })
  })
})
