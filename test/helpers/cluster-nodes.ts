// Tessera nodes sharing one PostgreSQL schema and one Redis, in this process or as children
// (to kill them with SIGKILL). Each test gets a fresh schema and a fresh channel space.
import { onTestFinished } from 'vitest'
import { createServer, type Server } from '../../server/index.js'
import { bundleEntry, startChildServer, type ChildServer } from './child-server.js'
import { freshPostgresUrl, requireServices } from './services.js'

export interface Deployment {
  readonly postgresUrl: string
  readonly redisUrl: string
  /** Starts a node in this process; closed when the test finishes. */
  startNode(options?: Record<string, unknown>): Promise<Server & { wsUrl: string; url: string }>
  /** Starts a node in a child process (`tessera serve --postgres … --redis …`). */
  startChildNode(env?: Record<string, string>): Promise<ChildServer>
}

let bundled: Promise<string> | undefined

/** A fresh deployment: an empty schema on the test PostgreSQL, the test Redis. */
export async function createDeployment(redisUrl = requireServices().redisUrl): Promise<Deployment> {
  const postgresUrl = await freshPostgresUrl()
  return {
    postgresUrl,
    redisUrl,
    async startNode(options = {}) {
      const server = await createServer({
        host: '127.0.0.1',
        port: 0,
        staticDir: false,
        postgresUrl,
        redisUrl,
        ...options,
      })
      onTestFinished(() => server.close())
      const url = server.url!
      return Object.assign(Object.create(server) as Server, server, {
        url,
        wsUrl: url.replace(/^http/, 'ws'),
      })
    },
    async startChildNode(env = {}) {
      bundled ??= bundleEntry('server/main.ts', 'cluster-node')
      const child = await startChildServer(
        await bundled,
        ['serve', '--port', '0', '--static-dir', '/nonexistent'],
        { TESSERA_POSTGRES_URL: postgresUrl, TESSERA_REDIS_URL: redisUrl, ...env },
      )
      onTestFinished(() => child.stop())
      return child
    },
  }
}
