// Sync against a real server on 127.0.0.1: stock y-websocket providers and protocol clients.
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { createTable } from '../../src/index.js'
import { startServer } from '../helpers/start-server.js'
import { connectClient, connectStockProvider } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'
import { writeRawOverride } from '../helpers/raw-cells.js'

const columns = [
  { name: 'title', type: 'string' as const },
  { name: 'priority', type: 'number' as const, default: 0 },
]

describe('sync server', () => {
  it('two stock y-websocket providers converge through the server', async () => {
    const server = await startServer()
    const a = connectStockProvider(server.wsUrl, 'todos')
    const b = connectStockProvider(server.wsUrl, 'todos')
    const tableA = createTable({ doc: a.doc, columns })
    const id = tableA.insertRow({ title: 'from a', priority: 1 })
    await waitFor(() => b.doc.getMap('rows').size === 1, { what: 'b to get the row' })
    const tableB = createTable({ doc: b.doc })
    tableB.updateRow(id, { priority: 5 })
    await waitFor(() => tableA.getCell(id, 'priority') === 5, { what: 'a to get the edit' })
    expect(tableA.listRows()).toEqual(tableB.listRows())
  })

  it('a late joiner catches up with everything written before it came', async () => {
    const server = await startServer()
    const writer = connectClient(server.wsUrl, 'late')
    await writer.whenSynced()
    const table = createTable({ doc: writer.doc, columns })
    table.insertRows(Array.from({ length: 100 }, (_, index) => ({ title: `row ${index}` })))
    await writer.save()
    const late = connectStockProvider(server.wsUrl, 'late')
    await waitFor(() => late.provider.synced, { what: 'the late joiner to sync' })
    expect(createTable({ doc: late.doc }).listRows()).toEqual(table.listRows())
  })

  it('acknowledges saved(n) only after the updates are in the store', async () => {
    const server = await startServer()
    const client = connectClient(server.wsUrl, 'acks')
    await client.whenSynced()
    client.doc.getMap('m').set('k', 'v')
    await client.save()
    const stored = await server.store.load('acks')
    const doc = new Y.Doc()
    for (const update of stored.updates) Y.applyUpdate(doc, update)
    expect(doc.getMap('m').get('k')).toBe('v')
  })

  it('restores every table from SQLite after a restart', async () => {
    const first = await startServer()
    const names = ['alpha', 'beta', 'gamma']
    for (const name of names) {
      const client = connectClient(first.wsUrl, name)
      await client.whenSynced()
      createTable({ doc: client.doc, columns }).insertRow({ title: name })
      await client.save()
    }
    await first.close()
    const second = await startServer({ dbPath: first.dbPath })
    for (const name of names) {
      const reader = connectStockProvider(second.wsUrl, name)
      await waitFor(() => reader.provider.synced, { what: `${name} to sync` })
      expect(
        createTable({ doc: reader.doc })
          .listRows()
          .map((row) => row.title),
      ).toEqual([name])
    }
  })

  it('S30: corrects a value of the wrong type on every replica and tells the writer', async () => {
    const server = await startServer()
    const writer = connectClient(server.wsUrl, 'typed')
    const other = connectClient(server.wsUrl, 'typed')
    await Promise.all([writer.whenSynced(), other.whenSynced()])
    const table = createTable({ doc: writer.doc, columns })
    const id = table.insertRow({ title: 'a' })
    await writer.save()
    writeRawOverride(writer.doc, id, 'priority', 'not a number')
    await writer.save()
    await waitFor(() => writer.notices.length > 0, { what: 'the notice' })
    expect(writer.notices[0]!.code).toBe('SCHEMA_VIOLATION')
    const otherTable = createTable({ doc: other.doc })
    await waitFor(
      () => JSON.stringify(otherTable.listRows()) === JSON.stringify(table.listRows()),
      { what: 'both replicas to show the corrected cell' },
    )
    expect(table.getCell(id, 'priority')).toBeNull()
    expect(JSON.stringify(writer.doc.getMap('o').toJSON())).not.toContain('not a number')
  })

  it('relays presence (awareness) between stock providers', async () => {
    const server = await startServer()
    const a = connectStockProvider(server.wsUrl, 'presence')
    const b = connectStockProvider(server.wsUrl, 'presence')
    a.provider.awareness.setLocalStateField('user', { name: 'ada' })
    await waitFor(
      () =>
        (b.provider.awareness.getStates().get(a.doc.clientID) as { user?: unknown })?.user !==
        undefined,
      { what: 'b to see a' },
    )
    a.provider.disconnect()
    await waitFor(() => !b.provider.awareness.getStates().has(a.doc.clientID), {
      what: 'a to leave',
    })
  })

  it('S62: a provider alone on a table hears its own presence back, so its watchdog keeps hearing the server', async () => {
    const server = await startServer()
    const alone = connectStockProvider(server.wsUrl, 'alone')
    await waitFor(() => alone.provider.synced, { what: 'the sync' })
    const before = alone.bytesReceived()
    // What y-websocket's awareness does every 15 s: renew the local state.
    alone.provider.awareness.setLocalStateField('user', { name: 'ada' })
    await waitFor(() => alone.bytesReceived() > before, { what: 'the echo of its presence' })
  })

  it('merges concurrent writes from many clients, and each one is acknowledged', async () => {
    const server = await startServer()
    const clients = Array.from({ length: 5 }, () => connectClient(server.wsUrl, 'many'))
    await Promise.all(clients.map((client) => client.whenSynced()))
    clients.forEach((client, index) => {
      for (let step = 0; step < 20; step++) client.doc.getMap('m').set(`${index}-${step}`, step)
    })
    await Promise.all(clients.map((client) => client.save()))
    await waitFor(() => clients.every((client) => client.doc.getMap('m').size === 100), {
      what: 'all clients to converge',
    })
  })
})
