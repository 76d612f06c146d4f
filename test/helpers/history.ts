// Helpers of the history tests: SDK clients on a test server, the time of the newest log entry,
// and waiting until the server's clock has passed a time (so the next write is dated later).
import { onTestFinished } from 'vitest'
import { WebSocket } from 'ws'
import { connectTable, type Connection, type ConnectTableOptions } from '../../client/index.js'
import type { TestServer } from './start-server.js'
import { waitFor } from './wait-for.js'

/** connectTable over `ws` to a test server, closed when the test finishes. */
export function connectSdk(
  server: TestServer,
  options: Omit<ConnectTableOptions, 'WebSocket' | 'url'>,
): Connection {
  const conn = connectTable({ WebSocket, maxBackoffMs: 200, url: server.wsUrl, ...options })
  onTestFinished(() => conn.close())
  return conn
}

/**
 * The time of the table's newest log entry, once the clock has moved past it: every write made
 * after this resolves is dated later, so the returned time names exactly the state so far.
 */
export async function markTime(server: TestServer, table: string): Promise<number> {
  const { atMs } = await server.store.load(table)
  await waitFor(() => Date.now() > atMs, { what: 'the clock to pass the last entry' })
  return atMs
}

/** An ISO time for a query string. */
export const iso = (ms: number): string => new Date(ms).toISOString()
