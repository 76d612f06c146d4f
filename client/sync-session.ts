// One table's sync session over one open Transport: the handshake (docs/protocol.md), local
// updates and presence out, the server's updates, presence and notices in, and the saved
// requests that follow each sync. Knows nothing about WebSocket, reconnecting or IndexedDB.
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { TesseraError } from '../src/index.js'
import {
  decodeMessage,
  encodeAwarenessStates,
  encodeMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  type Transport,
  type WireMessage,
} from '../src/internal.js'
import type { Reverter } from './revert.js'
import type { SavedTracker } from './saved.js'

/** The messages a session hands to the SDK: Tessera's notices (docs/protocol.md §3–5). */
export type Notice = Extract<
  WireMessage,
  { type: 'not-saved' | 'error' | 'permissions' | 'permission-denied' }
>

/** What a session works on, shared by every session of one connection (connect-table.ts). */
export interface SessionParts {
  readonly doc: Y.Doc
  readonly awareness: awarenessProtocol.Awareness
  /** The origin of what sessions apply: such updates are never sent back. */
  readonly origin: object
  readonly saved: SavedTracker
  readonly reverter: Reverter
  /** The first sync step 2 of this session was applied: the table is in sync. */
  onSynced(): void
  onNotice(notice: Notice): void
  /** A message from the server that could not be read or applied. */
  onError(error: TesseraError): void
}

/** A running session; it ends by itself when its transport closes. */
export interface SyncSession {
  /** Tells the server's other clients at once that this one left (before a close on purpose). */
  sayGoodbye(): void
}

/**
 * Starts a session on an open transport: asks for the permissions (S57), sends sync step 1 and
 * this client's presence, then keeps the table and presence in sync until the transport closes.
 */
export function startSyncSession(transport: Transport, parts: SessionParts): SyncSession {
  const { doc, awareness, origin, saved, reverter } = parts
  let isSynced = false
  const send = (message: Uint8Array): void => {
    transport.send(message)
  }

  const onLocalUpdate = (update: Uint8Array, from: unknown): void => {
    if (from !== origin) send(encodeMessage({ type: 'sync-update', update }))
  }
  // Only this client's own presence goes out: the others' came from the server.
  const onPresence = (changes: { added: number[]; updated: number[]; removed: number[] }): void => {
    const ids = [...changes.added, ...changes.updated, ...changes.removed]
    if (ids.includes(awareness.clientID))
      send(encodeAwarenessStates(awareness, [awareness.clientID]))
  }

  const receiveSync = (message: Extract<WireMessage, { type: `sync-${string}` }>): void => {
    if (message.type === 'sync-step-1') {
      send(encodeSyncStep2(doc, message.stateVector))
      reverter.onServerSync(0, message.stateVector)
      // The reply carries everything the server lacks: a saved request after it covers every
      // change made so far.
      saved.request()
      return
    }
    Y.applyUpdate(doc, message.update, origin)
    reverter.onServerSync(message.type === 'sync-step-2' ? 1 : 2, message.update)
    if (message.type === 'sync-step-2' && !isSynced) {
      isSynced = true
      parts.onSynced()
    }
  }

  const receive = (message: WireMessage): void => {
    switch (message.type) {
      case 'sync-step-1':
      case 'sync-step-2':
      case 'sync-update':
        receiveSync(message)
        return
      case 'awareness':
        awarenessProtocol.applyAwarenessUpdate(awareness, message.update, origin)
        return
      case 'query-awareness':
        send(encodeAwarenessStates(awareness, [...awareness.getStates().keys()]))
        return
      case 'saved':
        saved.acknowledge(message.requestId)
        return
      case 'not-saved':
      case 'error':
      case 'permissions':
      case 'permission-denied':
        parts.onNotice(message)
        return
      case 'permissions-request':
        throw new TesseraError('PROTOCOL_ERROR', 'a server may not ask for permissions')
      case 'window-open':
      case 'window-move':
      case 'window-close':
      case 'window-schema':
      case 'window-rows':
      case 'window-diff':
      case 'window-error':
        throw new TesseraError(
          'PROTOCOL_ERROR',
          `"${message.type}" belongs to window connections (docs/protocol.md §8), not to a table's sync`,
        )
    }
  }

  const onMessage = (bytes: Uint8Array): void => {
    try {
      receive(decodeMessage(bytes))
    } catch (cause) {
      parts.onError(
        cause instanceof TesseraError
          ? cause
          : new TesseraError(
              'PROTOCOL_ERROR',
              `a server message could not be applied: ${String(cause)}`,
              {
                cause,
              },
            ),
      )
    }
  }

  const stops = [transport.on('message', onMessage)]
  const end = (): void => {
    stops.forEach((stop) => {
      stop()
    })
    doc.off('update', onLocalUpdate)
    awareness.off('update', onPresence)
    saved.reset()
    reverter.reset()
    // The others' presence is only known while connected; this client's own stays.
    const others = [...awareness.getStates().keys()].filter((id) => id !== awareness.clientID)
    awarenessProtocol.removeAwarenessStates(awareness, others, origin)
  }
  stops.push(transport.on('close', end))
  doc.on('update', onLocalUpdate)
  awareness.on('update', onPresence)

  // Asked before sync step 1, so the answer precedes any refusal notice (S57).
  send(encodeMessage({ type: 'permissions-request' }))
  send(encodeSyncStep1(doc))
  if (awareness.getLocalState() !== null) send(encodeAwarenessStates(awareness, [doc.clientID]))

  return {
    sayGoodbye() {
      const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID], new Map())
      send(encodeMessage({ type: 'awareness', update }))
    },
  }
}
