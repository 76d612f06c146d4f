// History on a deployment (docs/history.md on PostgreSQL): what one node writes is read back as
// of a time through another, after compactions by both, and a restore through one node reaches
// the clients of another; the log's times stay in order although two nodes date its entries.
import { expect, it } from 'vitest'
import { createPostgresStore } from '../../server/adapters/postgres-store.js'
import { call } from '../helpers/auth.js'
import { createDeployment } from '../helpers/cluster-nodes.js'
import { describeWithServices } from '../helpers/services.js'
import { connectStockProvider } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

describeWithServices('history on PostgreSQL', () => {
  it('S101, S103, S106: time travel and restore work across nodes, through compactions', async () => {
    const deployment = await createDeployment()
    // Compactions every 3 entries: snapshots and checkpoints land between the writes.
    const options = { compactAfterUpdates: 3 }
    const [a, b] = await Promise.all([deployment.startNode(options), deployment.startNode(options)])
    const columns = [{ name: 'title', type: 'string' }]
    expect((await call(a, 'POST', '/tables', { body: { name: 'todos', columns } })).status).toBe(
      201,
    )
    for (const id of ['r1', 'r2', 'r3'])
      await call(a, 'POST', '/tables/todos/rows', { body: { id, title: `${id} on a` } })
    const store = await createPostgresStore({ url: deployment.postgresUrl })
    const { atMs: first } = await store.load('todos')
    await waitFor(() => Date.now() > first, { what: 'the clock to pass the first writes' })
    for (const id of ['r1', 'r2'])
      await call(b, 'PATCH', `/tables/todos/rows/${id}`, { body: { title: `${id} on b` } })
    await call(b, 'DELETE', '/tables/todos/rows/r3')
    await call(b, 'POST', '/tables/todos/rows', { body: { id: 'r4', title: 'r4 on b' } })

    const at = new Date(first).toISOString()
    for (const node of [a, b]) {
      expect((await call(node, 'GET', `/tables/todos/rows?at=${at}`)).body.rows).toEqual([
        { id: 'r1', title: 'r1 on a' },
        { id: 'r2', title: 'r2 on a' },
        { id: 'r3', title: 'r3 on a' },
      ])
    }
    expect((await store.snapshots('todos')).length).toBeGreaterThan(0)
    const log = await store.readLog('todos', 0, 100)
    const times = log.map((entry) => entry.atMs)
    expect(times).toEqual([...times].sort((x, y) => x - y))

    // Restored through node A, seen by a client of node B.
    const onB = connectStockProvider(b.wsUrl, 'todos')
    await waitFor(() => onB.provider.synced, { what: 'sync on B' })
    const restored = await call(a, 'POST', '/tables/todos/restore', { body: { at } })
    expect(restored.status).toBe(200)
    await waitFor(
      async () =>
        (await call(b, 'GET', '/tables/todos/rows')).body.rows
          .map((row: { id: string }) => row.id)
          .join() === 'r1,r2,r3',
      { what: 'the restored table on node B' },
    )
    await store.close()
  }, 60_000)
})
