// Keeps the tabs of one browser that share an offline store in step, with or without a network:
// local updates go to the other tabs over a BroadcastChannel named after the store.
import * as Y from 'yjs'

/** Relays one table's local updates between tabs; `close` stops it. */
export interface CrossTab {
  close(): void
}

type Message =
  { type: 'update'; update: Uint8Array } | { type: 'state' | 'reply'; vector: Uint8Array }

export function createCrossTab(name: string, doc: Y.Doc): CrossTab | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined
  const channel = new BroadcastChannel(`tessera:${name}`)
  const origin = { crossTab: name }
  const onUpdate = (update: Uint8Array, from: unknown, _doc: Y.Doc, tr: Y.Transaction): void => {
    if (from !== origin && tr.local) channel.postMessage({ type: 'update', update })
  }
  channel.onmessage = (event: MessageEvent<Message>) => {
    const message = event.data
    if (message.type === 'update') Y.applyUpdate(doc, message.update, origin)
    else {
      // A tab that just opened sent its state vector (a 'state'): answer with what it lacks,
      // and with our own vector, since it may hold changes we lack too.
      const missing = Y.encodeStateAsUpdate(doc, message.vector)
      if (missing.length > 2) channel.postMessage({ type: 'update', update: missing })
      if (message.type === 'state')
        channel.postMessage({ type: 'reply', vector: Y.encodeStateVector(doc) })
    }
  }
  doc.on('update', onUpdate)
  channel.postMessage({ type: 'state', vector: Y.encodeStateVector(doc) })
  return {
    close() {
      doc.off('update', onUpdate)
      channel.close()
    },
  }
}
