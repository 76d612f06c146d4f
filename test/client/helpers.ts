// Helpers of the client tests: our sync server on 127.0.0.1 (port 0 unless given, SQLite in a
// temp folder, closed when the test ends) and SDK clients in Node over `ws`.
import { join } from 'node:path'
import { onTestFinished } from 'vitest'
import { WebSocket } from 'ws'
import { connectTable, type Connection, type ConnectTableOptions } from '../../client/index.js'
import { createServer, type CreateServerOptions } from '../../server/index.js'
import { tempDir } from '../helpers/temp-dir.js'

export { waitFor } from '../helpers/wait-for.js'

export interface TestServer {
  /** `ws://127.0.0.1:port`. */
  readonly url: string
  readonly dbPath: string
  close(): Promise<void>
}

/** Starts a Tessera server for this test; give `port` and `dbPath` to stand in for a restart. */
export async function startServer(
  options: Pick<
    CreateServerOptions,
    'port' | 'dbPath' | 'authenticate' | 'authorize' | 'maxConnectionsPerTable'
  > = {},
): Promise<TestServer> {
  const dbPath = options.dbPath ?? join(tempDir(), 'tessera.db')
  const server = await createServer({
    host: '127.0.0.1',
    port: options.port ?? 0,
    staticDir: false,
    ...options,
    dbPath,
  })
  onTestFinished(() => server.close())
  return { url: server.url!.replace(/^http/, 'ws'), dbPath, close: () => server.close() }
}

let tableCounter = 0
/** A table name no other test uses. */
export function uniqueTable(prefix = 't'): string {
  return `${prefix}-${process.pid}-${Date.now()}-${++tableCounter}`
}

/** connectTable over `ws`, closed when the test finishes. */
export function connect(options: Omit<ConnectTableOptions, 'WebSocket'>): Connection {
  const conn = connectTable({ WebSocket, maxBackoffMs: 200, ...options })
  onTestFinished(() => conn.close())
  return conn
}

/**
 * Starts the stock y-websocket server (@y/websocket-server) on 127.0.0.1:0: a server that
 * syncs but never sends Tessera's saved acknowledgement.
 */
export async function startStockServer(): Promise<{ url: string }> {
  const http = await import('node:http')
  const { WebSocketServer } = await import('ws')
  const { setupWSConnection } = await import('@y/websocket-server/utils')
  const httpServer = http.createServer()
  const wss = new WebSocketServer({ server: httpServer })
  wss.on('connection', (socket, request) => {
    setupWSConnection(socket, request)
  })
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
  onTestFinished(async () => {
    for (const client of wss.clients) client.terminate()
    await new Promise<void>((resolve) => wss.close(() => resolve()))
    await new Promise<void>((resolve) => httpServer.close(() => resolve()))
  })
  const address = httpServer.address() as { port: number }
  return { url: `ws://127.0.0.1:${address.port}` }
}
