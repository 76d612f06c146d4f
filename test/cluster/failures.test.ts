// Failures of a deployment of nodes on one PostgreSQL and one Redis: repeated kill -9 of a node
// under writers, a Redis killed and restarted under writers, and the presence of a killed node.
import { expect, it } from 'vitest'
import { createPostgresStore } from '../../server/adapters/postgres-store.js'
import { createDeployment, type Deployment } from '../helpers/cluster-nodes.js'
import { startTestRedis } from '../helpers/redis-server.js'
import { describeWithServices } from '../helpers/services.js'
import { connectStockProvider } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'
import { createWriter, type Writer } from '../helpers/writer.js'
import { storedDoc } from '../helpers/stored-doc.js'

const table = 'crash'
const cycles = Number(process.env.TESSERA_CLUSTER_CYCLES ?? 10)

/** Acknowledged keys that PostgreSQL does not hold. */
const missingInStore = async (deployment: Deployment, writers: Writer[]): Promise<string[]> => {
  // What was acknowledged before the store is read: later acknowledgements may be of later commits.
  const acked = writers.map((writer) => writer.written.slice(0, writer.acked))
  const store = await createPostgresStore({ url: deployment.postgresUrl })
  try {
    const keys = (await storedDoc(store, table)).getMap('m')
    return acked.flatMap((written) => written.filter((key) => !keys.has(key)))
  } finally {
    await store.close()
  }
}

/** Every writer holds every key any writer wrote. */
const converge = async (writers: Writer[]): Promise<number> => {
  await Promise.all(writers.map((writer) => writer.client!.save()))
  const total = writers.reduce((sum, writer) => sum + writer.written.length, 0)
  await waitFor(() => writers.every((writer) => writer.doc.getMap('m').size === total), {
    what: `every writer to hold all ${total} keys`,
    timeoutMs: 60_000,
  })
  return total
}

const ackedMore = (writers: Writer[], by: number, what: string): Promise<void> => {
  const before = writers.map((writer) => writer.acked)
  return waitFor(() => writers.every((writer, index) => writer.acked >= before[index]! + by), {
    what,
    timeoutMs: 60_000,
  })
}

describeWithServices('failures of a deployment', () => {
  it(`S94: ${cycles} kill -9 of a node under writers lose nothing acknowledged`, async () => {
    const deployment = await createDeployment()
    // Compaction every 20 groups, so kills also land in and around compactions of other nodes.
    const env = { TESSERA_COMPACT_AFTER_UPDATES: '20' }
    const nodes = await Promise.all([0, 1, 2].map(() => deployment.startChildNode(env)))
    const writers = [0, 1, 2].map((index) => createWriter(`w${index}`, table, 10))
    await Promise.all(writers.map((writer, index) => writer.connect(nodes[index]!.wsUrl)))
    for (let cycle = 0; cycle < cycles; cycle++) {
      const victim = cycle % 3
      // The replacement boots while the writers go on (a node takes seconds to start here).
      const replacement = deployment.startChildNode(env)
      await ackedMore(writers, 10, `acknowledged writes in cycle ${cycle}`)
      await nodes[victim]!.stop('SIGKILL')
      // Its writer moves to the next node and sends what that node lacks, unsaved edits included.
      writers[victim]!.stop()
      await writers[victim]!.connect(nodes[(victim + 1) % 3]!.wsUrl)
      expect(await missingInStore(deployment, writers)).toEqual([])
      nodes[victim] = await replacement
      writers[victim]!.stop()
      await writers[victim]!.connect(nodes[victim].wsUrl)
    }
    for (const writer of writers) writer.stop()
    const total = await converge(writers)
    expect(await missingInStore(deployment, writers)).toEqual([])
    const acked = writers.reduce((sum, writer) => sum + writer.acked, 0)
    console.log(
      `cluster crash cycles: ${cycles} kill -9 of a node under 3 writers; ${acked} acknowledged writes all in PostgreSQL; ${total} writes converged on every writer`,
    )
  }, 600_000)

  it('S94: Redis killed and restarted under writers loses nothing, and the nodes converge', async () => {
    const redis = await startTestRedis()
    const deployment = await createDeployment(redis.url)
    const nodes = await Promise.all([0, 1].map(() => deployment.startNode()))
    const writers = [0, 1].map((index) => createWriter(`r${index}`, table, 10))
    await Promise.all(writers.map((writer, index) => writer.connect(nodes[index]!.wsUrl)))
    await ackedMore(writers, 10, 'writes before the outage')
    await redis.kill()
    // Updates are acknowledged once in PostgreSQL: Redis being gone does not stop them.
    await ackedMore(writers, 10, 'writes acknowledged while Redis is down')
    await redis.start()
    await ackedMore(writers, 10, 'writes after Redis is back')
    for (const writer of writers) writer.stop()
    await converge(writers)
    expect(await missingInStore(deployment, writers)).toEqual([])
  }, 300_000)

  it('S93: the presence of a killed node’s clients disappears from the other nodes', async () => {
    const deployment = await createDeployment()
    const [a, b] = await Promise.all([deployment.startChildNode(), deployment.startChildNode()])
    const onA = connectStockProvider(a.wsUrl, 'p')
    const onB = connectStockProvider(b.wsUrl, 'p')
    await waitFor(() => onA.provider.synced && onB.provider.synced, { what: 'sync' })
    onA.provider.awareness.setLocalState({ user: 'ada' })
    const id = onA.doc.clientID
    await waitFor(() => onB.provider.awareness.getStates().has(id), {
      what: 'presence across nodes',
    })
    await a.stop('SIGKILL')
    const killedAt = Date.now()
    await waitFor(() => !onB.provider.awareness.getStates().has(id), {
      what: 'the killed node’s presence to go',
      timeoutMs: 25_000,
    })
    console.log(`presence of a killed node removed after ${Date.now() - killedAt} ms`)
  }, 120_000)

  it('S93: a client of a killed node that reconnects to another node shows there again', async () => {
    const deployment = await createDeployment()
    const [a, b] = await Promise.all([deployment.startChildNode(), deployment.startChildNode()])
    const moving = connectStockProvider(a.wsUrl, 'p')
    const onB = connectStockProvider(b.wsUrl, 'p')
    await waitFor(() => moving.provider.synced && onB.provider.synced, { what: 'sync' })
    const id = moving.doc.clientID
    moving.provider.awareness.setLocalState({ user: 'ada', cell: 'A1' })
    await waitFor(() => onB.provider.awareness.getStates().has(id), { what: 'presence on B' })
    await a.stop('SIGKILL')
    // The load balancer sends the client's next attempt to node B.
    moving.provider.serverUrl = b.wsUrl
    await waitFor(() => moving.provider.wsconnected, { what: 'the client on node B' })
    moving.provider.awareness.setLocalState({ user: 'ada', cell: 'B2' })
    // Node A's copy of the state goes within the node timeout; the client then announces itself.
    await waitFor(() => onB.provider.awareness.getStates().get(id)?.cell === 'B2', {
      what: 'the moved client’s presence on node B',
      timeoutMs: 40_000,
    })
  }, 120_000)
})
