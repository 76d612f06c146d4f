// Real WebSocket clients for server tests: a minimal protocol client (sync, update, saved
// acknowledgement, raw frames) and the stock y-websocket provider, both counting bytes received.
import { onTestFinished } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import {
  decodeMessage,
  encodeMessage,
  encodeSyncStep1,
  encodeSyncStep2,
} from '../../src/internal.js'
import { waitFor } from './wait-for.js'

export interface SyncClient {
  readonly doc: Y.Doc
  readonly socket: WebSocket
  /** Bytes of every message received. */
  readonly bytesReceived: number
  /** Error notices received (docs/protocol.md §4). */
  readonly notices: { code: string; message: string }[]
  /** The close code and reason, once closed. */
  readonly closed: { code: number; reason: string } | undefined
  /** Resolves once the server's sync step 2 was applied. */
  whenSynced(): Promise<void>
  /** Asks for the saved acknowledgement of everything sent so far. */
  save(): Promise<void>
  /** Sends raw bytes (or text) as they are. */
  sendRaw(data: Uint8Array | string): void
  /** Resolves with the close code and reason. */
  whenClosed(): Promise<{ code: number; reason: string }>
  close(): void
}

/** Connects a protocol client to `${wsUrl}/${table}?${query}`; closed when the test finishes. */
export function connectClient(
  wsUrl: string,
  table: string,
  { doc = new Y.Doc(), query = '' }: { doc?: Y.Doc; query?: string } = {},
): SyncClient {
  const socket = new WebSocket(
    `${wsUrl}/${encodeURIComponent(table)}${query === '' ? '' : `?${query}`}`,
  )
  socket.binaryType = 'nodebuffer'
  let bytesReceived = 0
  let isSynced = false
  let closed: { code: number; reason: string } | undefined
  const notices: { code: string; message: string }[] = []
  let nextRequest = 1
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>()
  const send = (message: Uint8Array): void => {
    if (socket.readyState === WebSocket.OPEN) socket.send(message)
  }
  socket.on('open', () => {
    send(encodeSyncStep1(doc))
  })
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== socket) send(encodeMessage({ type: 'sync-update', update }))
  })
  socket.on('message', (data: Buffer) => {
    bytesReceived += data.byteLength
    const message = decodeMessage(new Uint8Array(data))
    switch (message.type) {
      case 'sync-step-1':
        send(encodeSyncStep2(doc, message.stateVector))
        return
      case 'sync-step-2':
        Y.applyUpdate(doc, message.update, socket)
        isSynced = true
        return
      case 'sync-update':
        Y.applyUpdate(doc, message.update, socket)
        return
      case 'error':
        notices.push({ code: message.code, message: message.message })
        return
      case 'saved':
        // S270: saved(n) answers every earlier request too, as Tessera's clients read it.
        for (const [requestId, { resolve }] of waiting) {
          if (requestId > message.requestId) break
          waiting.delete(requestId)
          resolve()
        }
        return
      case 'not-saved':
        waiting.get(message.requestId)?.reject(new Error(`${message.code}: ${message.message}`))
        return
      case 'awareness':
      case 'query-awareness':
      case 'permission-denied':
      case 'permissions-request':
      case 'permissions':
        return
      case 'window-open':
      case 'window-move':
      case 'window-close':
      case 'window-schema':
      case 'window-rows':
      case 'window-diff':
      case 'window-error':
        throw new Error(`a sync connection got a window message: ${message.type}`)
    }
  })
  socket.on('close', (code, reason) => {
    closed = { code, reason: reason.toString() }
    for (const { reject } of waiting.values()) reject(new Error(`closed with ${code}`))
  })
  socket.on('error', () => undefined)
  onTestFinished(() => {
    socket.terminate()
  })
  return {
    doc,
    socket,
    get bytesReceived() {
      return bytesReceived
    },
    get closed() {
      return closed
    },
    notices,
    whenSynced: () => waitFor(() => isSynced, { what: `sync of ${table}`, timeoutMs: 120_000 }),
    save() {
      const requestId = nextRequest++
      return new Promise<void>((resolve, reject) => {
        waiting.set(requestId, { resolve, reject })
        send(encodeMessage({ type: 'saved', requestId }))
      })
    },
    sendRaw(data) {
      socket.send(data)
    },
    async whenClosed() {
      await waitFor(() => closed !== undefined, { what: `close of ${table}` })
      return closed!
    },
    close() {
      socket.close()
    },
  }
}

/** A stock y-websocket provider (unmodified) in Node, counting the bytes it receives. */
export function connectStockProvider(
  wsUrl: string,
  table: string,
  doc = new Y.Doc(),
  options: { connect?: boolean } = {},
): { provider: WebsocketProvider; doc: Y.Doc; bytesReceived: () => number } {
  let bytes = 0
  class CountingWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols)
      this.on('message', (data: Buffer) => {
        bytes += data.byteLength
      })
    }
  }
  const provider = new WebsocketProvider(wsUrl, table, doc, {
    WebSocketPolyfill: CountingWebSocket as unknown as typeof globalThis.WebSocket,
    connect: options.connect ?? true,
    disableBc: true,
  })
  onTestFinished(() => {
    provider.destroy()
  })
  return { provider, doc, bytesReceived: () => bytes }
}
