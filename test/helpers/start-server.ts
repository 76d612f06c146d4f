// Starts a real Tessera server on 127.0.0.1 port 0 with a SQLite file in a temp folder; it is
// closed (and the folder removed) when the test finishes.
import { join } from 'node:path'
import { onTestFinished } from 'vitest'
import { createServer, type CreateServerOptions, type Server } from '../../server/index.js'
import { tempDir } from './temp-dir.js'

export interface TestServer extends Server {
  readonly url: string
  /** `ws://127.0.0.1:port` (rooms are at `${wsUrl}/<table>`). */
  readonly wsUrl: string
  readonly dbPath: string
}

/** Starts a server for this test; `dbPath` reuses a file (e.g. to test a restart). */
export async function startServer(options: CreateServerOptions = {}): Promise<TestServer> {
  const dbPath = options.dbPath ?? join(tempDir(), 'tessera.db')
  const server = await createServer({
    host: '127.0.0.1',
    port: 0,
    staticDir: false,
    ...options,
    dbPath,
  })
  onTestFinished(() => server.close())
  const url = server.url!
  return Object.assign(Object.create(server) as Server, server, {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    dbPath,
  })
}
