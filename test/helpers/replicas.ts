// Replicas of one table linked by a network the test controls: each local update is queued per
// receiver and delivered only when the test says so (Yjs's TestConnector, in miniature).
import * as Y from 'yjs'
import { createTable, type Table, type TableOptions } from '../../src/index.js'

export interface Network {
  readonly tables: Table[]
  /** Updates queued for replica `to`, oldest first. */
  queue(to: number): Uint8Array[]
  deliverOne(to: number, pick?: number): boolean
  deliverAll(): void
  /** Delivers the queued update again later (duplicates must be harmless). */
  duplicate(to: number, pick: number): void
  isConnected(index: number): boolean
  disconnect(index: number): void
  /** Reconnects and exchanges state vectors, as a provider does on reconnect. */
  reconnect(index: number): void
}

export function createNetwork(count: number, options: TableOptions = {}): Network {
  const docs = Array.from({ length: count }, (_, index) => {
    const doc = new Y.Doc()
    doc.clientID = index + 1
    return doc
  })
  const queues: Uint8Array[][] = docs.map(() => [])
  const connected = docs.map(() => true)
  docs.forEach((doc, from) => {
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'network' || !connected[from]) return
      docs.forEach((_, to) => {
        if (to !== from && connected[to]) queues[to]!.push(update)
      })
    })
  })
  // Tables are created after the first replica's schema reaches the others, as an app that
  // creates a table once and then opens it elsewhere would.
  const first = createTable({ ...options, doc: docs[0]! })
  const tables = [first]
  for (let index = 1; index < count; index++) {
    Y.applyUpdate(docs[index]!, Y.encodeStateAsUpdate(docs[0]!), 'network')
    tables.push(createTable({ doc: docs[index]! }))
  }
  queues.forEach((queue) => (queue.length = 0))

  const network: Network = {
    tables,
    queue: (to) => queues[to]!,
    deliverOne(to, pick = 0) {
      const queue = queues[to]!
      if (queue.length === 0) return false
      const [update] = queue.splice(pick % queue.length, 1)
      Y.applyUpdate(docs[to]!, update!, 'network')
      return true
    },
    deliverAll() {
      for (let index = 0; index < count; index++) if (!connected[index]) network.reconnect(index)
      let delivered = true
      while (delivered) {
        delivered = false
        for (let to = 0; to < count; to++) while (network.deliverOne(to)) delivered = true
      }
    },
    duplicate(to, pick) {
      const queue = queues[to]!
      if (queue.length > 0) queue.push(queue[pick % queue.length]!)
    },
    isConnected: (index) => connected[index]!,
    disconnect(index) {
      connected[index] = false
      queues[index]!.length = 0
    },
    reconnect(index) {
      if (connected[index]) return
      connected[index] = true
      docs.forEach((other, peer) => {
        if (peer === index || !connected[peer]) return
        const doc = docs[index]!
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)), 'network')
        Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other)), 'network')
      })
    },
  }
  return network
}

/** Syncs two tables both ways, as two replicas that meet. */
export function sync(a: Table, b: Table): void {
  Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc)), 'network')
  Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc)), 'network')
}

/** Two replicas of one table with fixed client ids (1 and 2), already in sync. */
export function twoReplicas(options: TableOptions = {}): [Table, Table] {
  const network = createNetwork(2, options)
  return [network.tables[0]!, network.tables[1]!]
}

/** A table rebuilt from scratch out of the given replicas' merged updates. */
export function rebuilt(tables: readonly Table[]): Table {
  const doc = new Y.Doc()
  for (const table of tables) Y.applyUpdate(doc, Y.encodeStateAsUpdate(table.doc))
  return createTable({ doc })
}

/** Everything a replica shows: schema, rows and their order. */
export function snapshotOf(table: Table): unknown {
  return { columns: table.columns(), rows: table.listRows() }
}
