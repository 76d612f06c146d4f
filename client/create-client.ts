// One client for many tables: the server, token, user, WebSocket class and offline choice are
// given once, and each table has at most one open connection, shared by everyone who asks.
import { TesseraError } from '../src/index.js'
import { connectTable, type Connection } from './connect-table.js'
import type { ConnectTableOptions } from './options.js'

/** What a client shares between its tables: every connectTable option but the table's own. */
export type ClientOptions = Omit<ConnectTableOptions, 'table' | 'columns'>

/** Connections to many tables of one server, with shared options and identity. */
export interface Client {
  /**
   * The connection to `table`: a new one, or the one already open (then `columns` are added
   * when missing). @throws INVALID_ARGUMENT for a bad table name, CLOSED after `close()`
   */
  connectTable(table: string, options?: Pick<ConnectTableOptions, 'columns'>): Connection
  /** The tables with an open connection. */
  tables(): string[]
  /** Closes every connection of this client. */
  close(): Promise<void>
}

/**
 * Creates a client for one server.
 * @example
 * const client = createClient({ url: 'ws://127.0.0.1:1234', user, offline: true })
 * const todos = client.connectTable('todos')
 * const notes = client.connectTable('notes')
 */
export function createClient(options: ClientOptions): Client {
  const open = new Map<string, Connection>()
  let closed = false
  return {
    connectTable(table, extra = {}) {
      if (closed) throw new TesseraError('CLOSED', 'connectTable: this client is closed')
      const existing = open.get(table)
      if (existing !== undefined) {
        for (const column of extra.columns ?? []) {
          if (existing.table.getColumn(column.name) === undefined) existing.table.addColumn(column)
        }
        return existing
      }
      const conn = connectTable({ ...options, ...extra, table })
      const close = conn.close.bind(conn)
      // A closed connection leaves the client, so the next connectTable opens a fresh one.
      Object.defineProperty(conn, 'close', {
        value: async () => {
          open.delete(table)
          await close()
        },
      })
      open.set(table, conn)
      return conn
    },
    tables: () => [...open.keys()],
    async close() {
      closed = true
      await Promise.all([...open.values()].map((conn) => conn.close()))
    },
  }
}
