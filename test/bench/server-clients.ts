// The three servers of the sync benchmark and one client interface over their stock providers:
// y-websocket's WebsocketProvider for Tessera and @y/websocket-server, HocuspocusProvider for
// Hocuspocus. Every client counts the bytes it receives.
import { join } from 'node:path'
import { HocuspocusProvider } from '@hocuspocus/provider'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { bundleEntry, startChildServer, type ChildServer } from '../helpers/child-server.js'

export type ServerKind = 'tessera' | 'tessera-fsync' | 'y-websocket-server' | 'hocuspocus'
/** `tessera` runs with its default (`--sqlite-synchronous normal`), `tessera-fsync` with `full`. */
export const serverKinds: ServerKind[] = [
  'tessera',
  'tessera-fsync',
  'y-websocket-server',
  'hocuspocus',
]

export interface BenchClient {
  readonly doc: Y.Doc
  isSynced(): boolean
  bytesReceived(): number
  disconnect(): void
  connect(): void
  destroy(): void
}

const entries: Record<ServerKind, string> = {
  tessera: 'server/main.ts',
  'tessera-fsync': 'server/main.ts',
  'y-websocket-server': 'test/bench/servers/y-websocket-main.ts',
  hocuspocus: 'test/bench/servers/hocuspocus-main.ts',
}

/** Starts one server of `kind` in a child process, persisting to a file in `dir`. */
export async function startBenchServer(kind: ServerKind, dir: string): Promise<ChildServer> {
  const file = await bundleEntry(entries[kind], `bench-${kind}`)
  const db = join(dir, `${kind}-${Math.random().toString(36).slice(2)}.db`)
  const args =
    kind === 'tessera' || kind === 'tessera-fsync'
      ? [
          'serve',
          '--port',
          '0',
          '--db',
          db,
          '--sqlite-synchronous',
          kind === 'tessera' ? 'normal' : 'full',
        ]
      : kind === 'hocuspocus'
        ? [db]
        : []
  return startChildServer(file, args)
}

const countingWebSocket = (count: (bytes: number) => void): unknown =>
  class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols)
      this.on('message', (data: Buffer) => {
        count(data.byteLength)
      })
    }
  }

/** Connects one client of the server's own stock provider to `table`. */
export function connectBenchClient(
  kind: ServerKind,
  wsUrl: string,
  table: string,
  doc = new Y.Doc(),
): BenchClient {
  let bytes = 0
  const WebSocketPolyfill = countingWebSocket((received) => (bytes += received))
  if (kind === 'hocuspocus') {
    const provider = new HocuspocusProvider({
      url: wsUrl,
      name: table,
      document: doc,
      WebSocketPolyfill,
    } as ConstructorParameters<typeof HocuspocusProvider>[0])
    return {
      doc,
      isSynced: () => provider.isSynced,
      bytesReceived: () => bytes,
      disconnect: () => {
        provider.disconnect()
      },
      connect: () => void provider.connect(),
      destroy: () => {
        provider.destroy()
      },
    }
  }
  const provider = new WebsocketProvider(wsUrl, table, doc, {
    WebSocketPolyfill: WebSocketPolyfill as typeof globalThis.WebSocket,
    disableBc: true,
  })
  return {
    doc,
    isSynced: () => provider.synced,
    bytesReceived: () => bytes,
    disconnect: () => {
      provider.disconnect()
    },
    connect: () => {
      provider.connect()
    },
    destroy: () => {
      provider.destroy()
    },
  }
}
