// A lean protocol client for the server benchmarks: sends prepared bytes, and records sync
// replies and saved acknowledgements without decoding documents, so the benchmark process does
// not compete with the server for the CPU. Speaks y-websocket's protocol (plus Tessera's saved).
import WebSocket from 'ws'
import * as Y from 'yjs'
import { decodeMessage, encodeMessage } from '../../src/internal.js'
import { waitFor } from '../helpers/wait-for.js'

export interface WireClient {
  /** Sends a Yjs update as a sync update message. */
  sendUpdate(update: Uint8Array): void
  /** Asks for the saved acknowledgement of everything sent so far; resolves with its time. */
  save(): Promise<number>
  /** Sends sync step 1 with `stateVector` (empty: a fresh replica); resolves with the reply. */
  sync(stateVector?: Uint8Array): Promise<Uint8Array>
  /** Bytes received so far. */
  readonly bytesReceived: number
  close(): void
}

const emptyStateVector = Y.encodeStateVector(new Y.Doc())

/** Opens a connection to `${wsUrl}/${table}` and resolves once it is open. */
export async function connectWireClient(wsUrl: string, table: string): Promise<WireClient> {
  const socket = new WebSocket(`${wsUrl}/${encodeURIComponent(table)}`)
  socket.binaryType = 'nodebuffer'
  let bytesReceived = 0
  let nextRequest = 1
  const acks = new Map<number, (atMs: number) => void>()
  const replies: ((update: Uint8Array) => void)[] = []
  const rejects = new Set<(error: Error) => void>()
  /** A promise that also fails when the connection closes first. */
  const untilClosed = <T>(start: (resolve: (value: T) => void) => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (closed !== undefined) {
        reject(closed)
        return
      }
      rejects.add(reject)
      start((value) => {
        rejects.delete(reject)
        resolve(value)
      })
    })
  socket.on('message', (data: Buffer) => {
    bytesReceived += data.byteLength
    const message = decodeMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    if (message.type === 'saved') {
      // S270: saved(n) answers every earlier request too, as Tessera's clients read it.
      const atMs = performance.now()
      for (const [requestId, acknowledge] of acks) {
        if (requestId > message.requestId) break
        acks.delete(requestId)
        acknowledge(atMs)
      }
    } else if (message.type === 'sync-step-2') replies.shift()?.(message.update)
    else if (message.type === 'not-saved') throw new Error(`not saved: ${message.message}`)
  })
  let closed: Error | undefined
  socket.on('close', (code, reason) => {
    closed = new Error(`${table}: closed with ${code} ${reason.toString()}`)
    for (const reject of rejects) reject(closed)
  })
  socket.on('error', () => undefined)
  let isOpen = false
  socket.on('open', () => (isOpen = true))
  await waitFor(() => isOpen, { what: `connection to ${table}`, timeoutMs: 60_000 })
  return {
    sendUpdate(update) {
      socket.send(encodeMessage({ type: 'sync-update', update }))
    },
    save() {
      const requestId = nextRequest++
      return untilClosed((resolve) => {
        acks.set(requestId, resolve)
        socket.send(encodeMessage({ type: 'saved', requestId }))
      })
    },
    sync(stateVector = emptyStateVector) {
      return untilClosed((resolve) => {
        replies.push(resolve)
        socket.send(encodeMessage({ type: 'sync-step-1', stateVector }))
      })
    },
    get bytesReceived() {
      return bytesReceived
    },
    close() {
      socket.terminate()
    },
  }
}
