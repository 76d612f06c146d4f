// Helpers of the client tests: a sync server on 127.0.0.1 port 0 (closed when the test ends),
// clients in Node over `ws`, and a bounded polling waitFor.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { onTestFinished } from 'vitest'
import * as decoding from 'lib0/decoding'
import { WebSocket, WebSocketServer } from 'ws'
import { setupWSConnection } from '@y/websocket-server/utils'
import { connectTable, type Connection, type ConnectTableOptions } from '../../client/index.js'
import { encodeSaved, MessageType } from '../../src/index.js'

export interface TestServer {
  readonly url: string
  close(): Promise<void>
}

/**
 * Starts the stock y-websocket server on 127.0.0.1 (port 0 unless given), answering saved(n) requests at once
 * (it keeps rooms in memory), and closes it when the test finishes.
 */
export async function startServer(port = 0): Promise<TestServer> {
  const httpServer = http.createServer()
  const wss = new WebSocketServer({ server: httpServer })
  wss.on('connection', (socket, request) => {
    socket.on('message', (data: ArrayBuffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data))
      if (decoding.readVarUint(decoder) === MessageType.Saved)
        socket.send(encodeSaved(decoding.readVarUint(decoder)))
    })
    setupWSConnection(socket, request)
  })
  await new Promise<void>((resolve) => httpServer.listen(port, '127.0.0.1', resolve))
  const address = httpServer.address() as AddressInfo
  let closed = false
  const server: TestServer = {
    url: `ws://127.0.0.1:${address.port}`,
    async close() {
      if (closed) return
      closed = true
      for (const client of wss.clients) client.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      await new Promise<void>((resolve) => httpServer.close(() => resolve()))
    },
  }
  onTestFinished(() => server.close())
  return server
}

let tableCounter = 0
/** A table name no other test uses (the stock server keeps rooms for the whole process). */
export function uniqueTable(prefix = 't'): string {
  return `${prefix}-${process.pid}-${Date.now()}-${++tableCounter}`
}

/** connectTable over `ws`, closed when the test finishes. */
export function connect(options: Omit<ConnectTableOptions, 'WebSocket'>): Connection {
  const conn = connectTable({ WebSocket, maxBackoffMs: 200, ...options })
  onTestFinished(() => conn.close())
  return conn
}

/** Polls `predicate` until it holds; fails after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean,
  { timeoutMs = 10_000, what = 'condition' }: { timeoutMs?: number; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`waitFor: timed out after ${timeoutMs} ms: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
