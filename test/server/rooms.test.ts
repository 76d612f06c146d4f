// Room lifecycle: compaction by count and bytes, idle unload, shutdown flush, storage failures.
import { describe, expect, it } from 'vitest'
import { createMemoryStore, TesseraError, type Store } from '../../src/index.js'
import { CloseCode } from '../../src/internal.js'
import { startServer } from '../helpers/start-server.js'
import { connectClient } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'
import { storedDoc } from '../helpers/stored-doc.js'

describe('rooms', () => {
  it('compacts the log into a snapshot once it holds compactAfterUpdates updates', async () => {
    const server = await startServer({ compactAfterUpdates: 10 })
    const client = connectClient(server.wsUrl, 'c')
    await client.whenSynced()
    for (let index = 0; index < 25; index++) {
      client.doc.getMap('m').set(`k${index}`, index)
      await client.save()
    }
    const stored = await server.store.load('c')
    expect(stored.snapshot).toBeDefined()
    expect(stored.updates.length).toBeLessThan(10)
    expect((await storedDoc(server.store, 'c')).getMap('m').toJSON()).toEqual(
      client.doc.getMap('m').toJSON(),
    )
    expect(await server.registry.metrics()).toMatch(/tessera_compactions_total 2/)
  })

  it('compacts once the log holds compactAfterBytes bytes', async () => {
    const server = await startServer({ compactAfterBytes: 4096 })
    const client = connectClient(server.wsUrl, 'b')
    await client.whenSynced()
    client.doc.getMap('m').set('big', 'x'.repeat(5000))
    await client.save()
    const stored = await server.store.load('b')
    expect(stored.snapshot).toBeDefined()
    expect(stored.updates).toEqual([])
  })

  it('unloads an idle table after flushing it, and loads it again on the next connection', async () => {
    const server = await startServer({ idleUnloadMs: 0 })
    const client = connectClient(server.wsUrl, 'idle')
    await client.whenSynced()
    client.doc.getMap('m').set('k', 'v')
    await client.save()
    expect(server.loadedTables()).toEqual(['idle'])
    client.close()
    await waitFor(() => server.loadedTables().length === 0, { what: 'the unload' })
    expect((await server.store.load('idle')).snapshot).toBeDefined()
    const again = connectClient(server.wsUrl, 'idle')
    await waitFor(() => again.doc.getMap('m').get('k') === 'v', { what: 'the reload' })
  })

  it('close() flushes every table and closes connections with 1001', async () => {
    const store = createMemoryStore()
    const server = await startServer({ store })
    const client = connectClient(server.wsUrl, 'shutdown')
    await client.whenSynced()
    client.doc.getMap('m').set('k', 'v')
    await server.close()
    expect((await client.whenClosed()).code).toBe(CloseCode.GoingAway)
    await expect(store.load('x')).rejects.toThrow(/closed/)
  })

  it('a storage failure answers notSaved, closes that table with 4500, and spares the others', async () => {
    const inner = createMemoryStore()
    const store: Store = {
      ...inner,
      append: (table, updates) =>
        table === 'broken'
          ? Promise.reject(new TesseraError('STORAGE_FAILURE', 'disk full'))
          : inner.append(table, updates),
    }
    const errors: string[] = []
    const server = await startServer({ store, onError: (error) => errors.push(error.code) })
    const broken = connectClient(server.wsUrl, 'broken')
    const healthy = connectClient(server.wsUrl, 'healthy')
    await Promise.all([broken.whenSynced(), healthy.whenSynced()])
    broken.doc.getMap('m').set('k', 1)
    await expect(broken.save()).rejects.toThrow(/STORAGE_FAILURE: disk full/)
    expect((await broken.whenClosed()).code).toBe(CloseCode.StorageFailure)
    healthy.doc.getMap('m').set('k', 2)
    await healthy.save()
    expect(healthy.closed).toBeUndefined()
    expect(server.loadedTables()).toEqual(['healthy'])
    expect(errors).toEqual(['STORAGE_FAILURE'])
  })
})
