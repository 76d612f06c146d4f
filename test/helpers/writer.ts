// A client that writes steadily to one table and tracks which of its writes were acknowledged
// as saved (docs/protocol.md §3); it keeps its doc across reconnects, so offline edits survive.
import * as Y from 'yjs'
import { connectClient, type SyncClient } from './sync-client.js'

export interface Writer {
  readonly doc: Y.Doc
  /** Keys this writer wrote, in order. */
  readonly written: string[]
  /** The first `acked` keys of `written` were acknowledged as saved. */
  readonly acked: number
  readonly client: SyncClient | undefined
  /** Connects (again) and writes one key every `paceMs` until the connection closes. */
  connect(wsUrl: string): Promise<void>
  /** Writes one key now (connected or not). */
  write(): void
  stop(): void
}

/** Creates a writer whose keys are `${name}-${n}` in map `m` of table `table`. */
export function createWriter(name: string, table: string, paceMs = 2): Writer {
  const doc = new Y.Doc()
  const written: string[] = []
  let acked = 0
  let client: SyncClient | undefined
  let timer: NodeJS.Timeout | undefined
  const write = (): void => {
    const key = `${name}-${written.length}`
    doc.getMap('m').set(key, written.length)
    written.push(key)
    const current = client
    if (current !== undefined && current.closed === undefined && written.length % 5 === 0) {
      const upTo = written.length
      current.save().then(
        () => (acked = Math.max(acked, upTo)),
        () => undefined,
      )
    }
  }
  const tick = (): void => {
    if (client?.closed !== undefined) return
    write()
    // Paces the writes (a steady rate); it does not wait for anything.
    timer = setTimeout(tick, paceMs)
  }
  return {
    doc,
    written,
    get acked() {
      return acked
    },
    get client() {
      return client
    },
    async connect(wsUrl) {
      client = connectClient(wsUrl, table, { doc })
      await client.whenSynced()
      tick()
    },
    write,
    stop() {
      clearTimeout(timer)
    },
  }
}
