// S236: messages between nodes name the table's generation, over real PostgreSQL and Redis. An
// update of a deleted generation (published by a node that had not yet heard of the deletion,
// sent here raw on the table's sharded channel) is dropped, counted and logged once; one without a
// generation (a node of an older version) is applied and logged once; a newer one unloads.
import { Redis } from 'ioredis'
import { expect, it, onTestFinished } from 'vitest'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { encodeNodeMessage, NodeMessageType } from '../../server/cluster/messages.js'
import { call } from '../helpers/auth.js'
import { createDeployment } from '../helpers/cluster-nodes.js'
import { describeWithServices } from '../helpers/services.js'
import { connectClient } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

/** An update that sets `m[key]` in a document of its own (content no replica holds yet). */
const updateSetting = (key: string): Uint8Array => {
  const doc = new Y.Doc()
  doc.getMap('m').set(key, key)
  return Y.encodeStateAsUpdate(doc)
}

/** An update message as a node of the version before S236 encoded it: no generation. */
const legacyUpdate = (node: string, seq: number, update: Uint8Array): Uint8Array => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, NodeMessageType.Update)
  encoding.writeVarString(encoder, node)
  encoding.writeVarUint(encoder, seq)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

const metric = async (url: string, name: string): Promise<number> => {
  const text = await (await fetch(`${url}/metrics`)).text()
  const line = text.split('\n').find((row) => row.startsWith(`${name} `))
  return line === undefined ? -1 : Number(line.split(' ')[1])
}

/** A node whose warnings are kept, with table `t` deleted once and written again (generation 1). */
const setUp = async (table: string) => {
  const deployment = await createDeployment()
  const warnings: string[] = []
  const logger = {
    info: () => undefined,
    warn: (message: string) => warnings.push(message),
    error: () => undefined,
  }
  const node = await deployment.startNode({ logger })
  const old = connectClient(node.wsUrl, table)
  await old.whenSynced()
  old.doc.getMap('m').set('old', 'old')
  await old.save()
  expect((await call(node, 'DELETE', `/tables/${encodeURIComponent(table)}`)).status).toBe(204)
  const writer = connectClient(node.wsUrl, table)
  await writer.whenSynced()
  writer.doc.getMap('m').set('new', 'new')
  await writer.save()
  const reader = connectClient(node.wsUrl, table)
  await reader.whenSynced()
  const redis = new Redis(deployment.redisUrl, { lazyConnect: true })
  await redis.connect()
  onTestFinished(() => {
    redis.disconnect()
  })
  const stored = await node.store.load(table)
  expect(stored.generation).toBe(1)
  const publish = (bytes: Uint8Array) => redis.spublish(`tessera:{${table}}`, Buffer.from(bytes))
  return { node, warnings, writer, reader, publish, seq: stored.seq }
}

describeWithServices('the generation of messages between nodes', () => {
  it('S236: an update of a deleted generation is dropped, counted and logged once', async () => {
    const { node, warnings, writer, reader, publish, seq } = await setUp('stale-s236')
    for (const [index, key] of ['stale1', 'stale2'].entries()) {
      const message = { type: NodeMessageType.Update, node: 'n-old', seq: seq + 1 + index }
      await publish(encodeNodeMessage({ ...message, update: updateSetting(key), generation: 0 }))
    }
    await waitFor(
      async () => (await metric(node.url, 'tessera_cluster_stale_messages_total')) === 2,
      { what: 'both stale updates counted' },
    )
    // The new table's own next entries (the same sequence numbers) go on as before.
    writer.doc.getMap('m').set('next', 'next')
    await writer.save()
    await waitFor(() => reader.doc.getMap('m').get('next') === 'next', { what: 'the next write' })
    expect(reader.doc.getMap('m').toJSON()).toEqual({ new: 'new', next: 'next' })
    const dropped = warnings.filter((line) => line.includes('generation 0'))
    expect(dropped).toHaveLength(1)
    expect(dropped[0]).toContain('had not yet heard that the table was deleted')
  })

  it('S236: an update without a generation (a node of an older version) is applied and logged once', async () => {
    const { warnings, reader, publish, seq } = await setUp('legacy-s236')
    await publish(legacyUpdate('n-legacy', seq + 1, updateSetting('legacy1')))
    await publish(legacyUpdate('n-legacy', seq + 2, updateSetting('legacy2')))
    await waitFor(() => reader.doc.getMap('m').get('legacy2') === 'legacy2', {
      what: 'the older node’s updates applied',
    })
    expect(warnings.filter((line) => line.includes('runs an older Tessera'))).toHaveLength(1)
  })

  it('S236: an update of a newer generation tells the node its table was deleted: it unloads it', async () => {
    const { node, reader, publish, seq } = await setUp('newer-s236')
    const message = { type: NodeMessageType.Update, node: 'n-new', seq: seq + 1 }
    await publish(encodeNodeMessage({ ...message, update: updateSetting('x'), generation: 2 }))
    expect((await reader.whenClosed()).code).toBe(4404)
    await waitFor(() => !node.loadedTables().includes('newer-s236'), { what: 'the table unloaded' })
    expect(reader.doc.getMap('m').get('x')).toBeUndefined()
  })
})
