// Real WebSocket clients for server tests: a minimal protocol client (sync, update, saved
// acknowledgement, raw frames) and the stock y-websocket provider, both counting bytes received.
import { onTestFinished } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { WebsocketProvider } from 'y-websocket'
import { decodeTesseraMessage, MessageType } from '../../src/internal.js'
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

const encodeSync = (step: number, payload: Uint8Array): Uint8Array => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.Sync)
  encoding.writeVarUint(encoder, step)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
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
    send(encodeSync(0, Y.encodeStateVector(doc)))
  })
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== socket) send(encodeSync(2, update))
  })
  socket.on('message', (data: Buffer) => {
    bytesReceived += data.byteLength
    const bytes = new Uint8Array(data)
    const decoder = decoding.createDecoder(bytes)
    const type = decoding.readVarUint(decoder)
    if (type === MessageType.Sync) {
      const step = decoding.readVarUint(decoder)
      const payload = decoding.readVarUint8Array(decoder)
      if (step === 0) send(encodeSync(1, Y.encodeStateAsUpdate(doc, payload)))
      else Y.applyUpdate(doc, payload, socket)
      if (step === 1) isSynced = true
      return
    }
    const message = type >= 100 ? decodeTesseraMessage(bytes) : undefined
    if (message?.type === 'error') notices.push({ code: message.code, message: message.message })
    if (message?.type === 'saved') waiting.get(message.requestId)?.resolve()
    if (message?.type === 'not-saved') {
      waiting.get(message.requestId)?.reject(new Error(`${message.code}: ${message.message}`))
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
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.Saved)
      encoding.writeVarUint(encoder, requestId)
      return new Promise<void>((resolve, reject) => {
        waiting.set(requestId, { resolve, reject })
        send(encoding.toUint8Array(encoder))
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
