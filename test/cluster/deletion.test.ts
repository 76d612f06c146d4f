// S210: deleting a table on one node deletes it on every node (PostgreSQL + Redis, real
// WebSocket clients): their connections close with 4404, their live query streams end, and a
// write racing the deletion on another node is refused instead of bringing the table back; a
// copy of the deleted table is refused on every node (S235).
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { connect } from '../client/helpers.js'
import { call } from '../helpers/auth.js'
import { createDeployment } from '../helpers/cluster-nodes.js'
import { startTestRedis } from '../helpers/redis-server.js'
import { describeWithServices } from '../helpers/services.js'
import { connectClient, type SyncClient } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

const columns = [{ name: 'title', type: 'string' }]

/** Reads a live query stream to its end. */
const readToEnd = async (response: Response): Promise<string> => {
  const reader = response.body!.getReader()
  let text = ''
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
    text += new TextDecoder().decode(chunk.value)
  return text
}

/** Sets cell `key` of the raw Y.Map `m` in a protocol client's copy (any update will do). */
const write = (client: SyncClient, key: string): void => {
  client.doc.getMap('m').set(key, key)
}

describeWithServices('deleting a table on a cluster', () => {
  it('S210: DELETE on one node closes the table on every node: 4404, streams end, nothing stays loaded', async () => {
    const deployment = await createDeployment()
    const [a, b, c] = await Promise.all([
      deployment.startNode(),
      deployment.startNode(),
      deployment.startNode(),
    ])
    expect((await call(a, 'POST', '/tables', { body: { name: 't', columns } })).status).toBe(201)
    await call(b, 'POST', '/tables/t/rows', { body: { title: 'from b' } })
    const onB = connectClient(b.wsUrl, 't')
    const onC = connectClient(c.wsUrl, 't')
    // Our SDK on node c too: it is told the table is gone and stops reconnecting.
    const sdk = connect({ url: c.wsUrl, table: 't' })
    const errors: string[] = []
    sdk.on('error', (error) => errors.push(error.code))
    await Promise.all([onB.whenSynced(), onC.whenSynced(), sdk.whenSynced()])
    const stream = await fetch(`${c.url}/tables/t/live`)
    const streamed = readToEnd(stream)
    write(onB, 'k1')
    await onB.save()
    expect(b.loadedTables()).toContain('t')

    expect((await call(a, 'DELETE', '/tables/t')).status).toBe(204)
    expect((await onB.whenClosed()).code).toBe(4404)
    expect((await onC.whenClosed()).code).toBe(4404)
    expect(onC.closed?.reason).toContain('was deleted')
    await waitFor(() => sdk.status === 'offline' && errors.includes('TABLE_NOT_FOUND'), {
      what: 'the SDK on node c told the table is gone',
    })
    const text = await streamed
    expect(text).toContain('event: error')
    expect(text).toContain('TABLE_NOT_FOUND')
    await waitFor(() => !b.loadedTables().includes('t') && !c.loadedTables().includes('t'), {
      what: 'the table unloaded on nodes b and c',
    })
    for (const node of [a, b, c]) {
      expect((await call(node, 'GET', '/tables/t')).status).toBe(404)
      expect((await call(node, 'GET', '/tables')).body.tables).not.toContain('t')
    }
    expect(await a.store.load('t')).toMatchObject({ updates: [], seq: 0, generation: 1 })
  })

  it('S235: a client with a copy that connects later is refused on any node; a new copy creates the table', async () => {
    const deployment = await createDeployment()
    const [a, b] = await Promise.all([deployment.startNode(), deployment.startNode()])
    const first = connectClient(b.wsUrl, 't')
    await first.whenSynced()
    write(first, 'kept')
    await first.save()
    const copy = Y.encodeStateAsUpdate(first.doc)
    expect((await call(a, 'DELETE', '/tables/t')).status).toBe(204)
    expect((await first.whenClosed()).code).toBe(4404)
    // Refused on the node that had it loaded and on the node that deleted it.
    for (const node of [b, a]) {
      const doc = new Y.Doc()
      Y.applyUpdate(doc, copy)
      const later = connectClient(node.wsUrl, 't', { doc })
      const closed = await later.whenClosed()
      expect([closed.code, closed.reason]).toEqual([4404, expect.stringContaining('old content')])
    }
    expect(await a.store.list()).not.toContain('t')
    const fresh = connectClient(b.wsUrl, 't')
    await fresh.whenSynced()
    write(fresh, 'new')
    await fresh.save()
    const reader = connectClient(a.wsUrl, 't')
    await waitFor(() => reader.doc.getMap('m').get('new') === 'new', { what: 'the new table on a' })
    expect(reader.doc.getMap('m').toJSON()).toEqual({ new: 'new' })
    expect((await a.store.load('t')).generation).toBe(1)
  })

  it('S210: writes racing the deletion on another node are refused; the table does not come back', async () => {
    const deployment = await createDeployment()
    const [a, b] = await Promise.all([deployment.startNode(), deployment.startNode()])
    const writers = Array.from({ length: 4 }, () => connectClient(b.wsUrl, 'raced'))
    await Promise.all(writers.map((writer) => writer.whenSynced()))
    write(writers[0]!, 'first')
    await writers[0]!.save()
    // Each writer keeps writing (one update per turn) until its connection is closed.
    let round = 0
    const timer = setInterval(() => {
      round++
      for (const [index, writer] of writers.entries())
        if (writer.closed === undefined) write(writer, `w${index}-${round}`)
    }, 1)
    try {
      await waitFor(() => round >= 20, { what: 'writers under way' })
      expect((await call(a, 'DELETE', '/tables/raced')).status).toBe(204)
      for (const writer of writers) expect((await writer.whenClosed()).code).toBe(4404)
    } finally {
      clearInterval(timer)
    }
    await waitFor(() => !b.loadedTables().includes('raced'), { what: 'node b to unload it' })
    expect(await a.store.load('raced')).toMatchObject({ updates: [], seq: 0, generation: 1 })
    expect(await a.store.snapshots('raced')).toEqual([])
    expect(await a.store.list()).not.toContain('raced')
  })

  it('S210: a node that never hears of the deletion (another Redis) refuses its clients’ next write with 4404', async () => {
    const deployment = await createDeployment()
    const elsewhere = await startTestRedis()
    const a = await deployment.startNode()
    const b = await deployment.startNode({ redisUrl: elsewhere.url })
    const onB = connectClient(b.wsUrl, 't')
    await onB.whenSynced()
    write(onB, 'before')
    await onB.save()
    expect((await call(a, 'DELETE', '/tables/t')).status).toBe(204)
    // b still serves its copy: the deletion message went to a Redis b does not read.
    expect(onB.closed).toBeUndefined()
    write(onB, 'after')
    const saved = await onB.save().then(
      () => 'saved',
      (error: unknown) => String(error),
    )
    expect(saved).toMatch(/TABLE_NOT_FOUND|4404/)
    expect((await onB.whenClosed()).code).toBe(4404)
    expect(await a.store.load('t')).toMatchObject({ updates: [], seq: 0, generation: 1 })
    expect(await a.store.list()).not.toContain('t')
    await waitFor(() => !b.loadedTables().includes('t'), { what: 'node b to unload it' })
  })

  it('S210: a node that missed the deletion logs its refused idle compaction as information, not an error', async () => {
    const deployment = await createDeployment()
    const elsewhere = await startTestRedis()
    const lines: { level: string; message: string }[] = []
    const logger = {
      info: (message: string) => lines.push({ level: 'info', message }),
      warn: (message: string) => lines.push({ level: 'warn', message }),
      error: (message: string) => lines.push({ level: 'error', message }),
    }
    const a = await deployment.startNode()
    const b = await deployment.startNode({ redisUrl: elsewhere.url, logger, idleUnloadMs: 50 })
    const onB = connectClient(b.wsUrl, 'idle')
    await onB.whenSynced()
    write(onB, 'before')
    await onB.save()
    expect((await call(a, 'DELETE', '/tables/idle')).status).toBe(204)
    // b never heard of it; its client leaves, the room idles out and its compaction is refused.
    onB.close()
    await waitFor(() => lines.some((line) => line.message.includes('without compacting')), {
      what: 'node b to unload the deleted table',
    })
    expect(lines.filter((line) => line.level === 'error')).toEqual([])
    const unloaded = lines.find((line) => line.message.includes('without compacting'))!
    expect(unloaded.level).toBe('info')
    expect(unloaded.message).toContain('was deleted on another node')
    expect(b.loadedTables()).not.toContain('idle')
    expect(await a.store.load('idle')).toMatchObject({ updates: [], seq: 0, generation: 1 })
  })
})
