// The IndexedDB copy (client/offline-store.ts, S176) over fake-indexeddb: it opens copies that
// y-indexeddb wrote, applies a big stored copy in slices of one task each, stores what changes
// after, and folds many stored updates into one without losing any.
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as idb from 'lib0/indexeddb'
import { IndexeddbPersistence } from 'y-indexeddb'
import { createOfflineStore } from '../../client/offline-store.js'
import { createTable } from '../../src/index.js'
import { uniqueTable, waitFor } from './helpers.js'

const columns = [
  { name: 'n', type: 'number' as const },
  { name: 'title', type: 'string' as const },
]

function bigTable(rows: number) {
  const doc = new Y.Doc()
  const table = createTable({ doc, columns })
  table.insertRows(Array.from({ length: rows }, (_, n) => ({ n, title: `row ${String(n)}` })))
  table.deleteRows(table.rowIds().slice(0, 3))
  return { doc, table }
}

const failOnError = (error: unknown) => {
  throw error
}

async function storedCount(name: string): Promise<number> {
  const db = await idb.openDB(name, () => undefined)
  const count = await idb.count(idb.transact(db, ['updates'], 'readonly')[0]!)
  db.close()
  return count
}

describe('offline store', () => {
  it('S176: opens a copy that y-indexeddb wrote, and y-indexeddb opens what it stores', async () => {
    const name = uniqueTable('copy')
    const { doc, table } = bigTable(200)
    const writer = new IndexeddbPersistence(name, new Y.Doc())
    await writer.whenSynced
    Y.applyUpdate(writer.doc, Y.encodeStateAsUpdate(doc))
    await writer.destroy()

    const copy = new Y.Doc()
    const store = createOfflineStore(name, copy, failOnError)
    await store.whenLoaded
    const reopened = createTable({ doc: copy })
    expect(reopened.listRows()).toEqual(table.listRows())
    reopened.updateRow(reopened.rowIds()[0]!, { n: -1 })
    await store.whenStored()
    await store.destroy()

    const reader = new IndexeddbPersistence(name, new Y.Doc())
    await reader.whenSynced
    expect(createTable({ doc: reader.doc }).listRows()).toEqual(reopened.listRows())
    await reader.destroy()
  })

  it('S176: a big stored copy is applied in slices, one per task, and gives the same table', async () => {
    const name = uniqueTable('big')
    const { doc, table } = bigTable(5_000)
    const first = createOfflineStore(name, new Y.Doc(), failOnError)
    await first.whenLoaded
    await first.destroy()
    const db = await idb.openDB(name, () => undefined)
    const [updates] = idb.transact(db, ['updates'])
    await idb.addAutoKey(updates!, Y.encodeStateAsUpdate(doc) as unknown as ArrayBuffer)
    db.close()

    const copy = new Y.Doc()
    let transactions = 0
    let timersDuringLoad = 0
    let isLoaded = false
    copy.on('afterTransaction', () => {
      transactions++
      setTimeout(() => {
        if (!isLoaded) timersDuringLoad++
      }, 0)
    })
    const store = createOfflineStore(name, copy, failOnError)
    await store.whenLoaded
    isLoaded = true
    expect(createTable({ doc: copy }).listRows()).toEqual(table.listRows())
    expect(transactions).toBeGreaterThan(5)
    // Other tasks (here timers) ran between the slices.
    expect(timersDuringLoad).toBeGreaterThan(0)
    await store.destroy()
  })

  it('S176: updates after the load are stored; past 500 they fold into one and nothing is lost', async () => {
    const name = uniqueTable('fold')
    const doc = new Y.Doc()
    const store = createOfflineStore(name, doc, failOnError)
    await store.whenLoaded
    const table = createTable({ doc, columns })
    for (let n = 0; n < 520; n++) table.insertRow({ n, title: 'x' })
    await waitFor(async () => (await storedCount(name)) < 100, { what: 'the fold' })
    table.insertRow({ n: 999, title: 'after the fold' })
    await store.whenStored()
    await store.destroy()

    const copy = new Y.Doc()
    const reopened = createOfflineStore(name, copy, failOnError)
    await reopened.whenLoaded
    expect(createTable({ doc: copy }).listRows()).toEqual(table.listRows())
    await reopened.destroy()
  })
})
