// What a node of a deployment reports to its load balancer and to Prometheus: PostgreSQL and
// Redis reachability, the nodes it hears, and what crossed between nodes; and how that changes
// when Redis or PostgreSQL goes away.
import { createConnection, createServer, type Server as NetServer, type Socket } from 'node:net'
import { expect, it, onTestFinished } from 'vitest'
import { call } from '../helpers/auth.js'
import { createDeployment } from '../helpers/cluster-nodes.js'
import { startTestRedis } from '../helpers/redis-server.js'
import { describeWithServices, freshPostgresUrl } from '../helpers/services.js'
import { connectStockProvider } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

const metric = async (url: string, name: string): Promise<number | undefined> => {
  const text = await (await fetch(`${url}/metrics`)).text()
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `))
  return line === undefined ? undefined : Number(line.split(' ')[1])
}

/** A TCP relay to PostgreSQL that the test can cut (every connection dropped, none accepted). */
const startRelay = async (target: URL) => {
  const sockets = new Set<Socket>()
  let server: NetServer | undefined
  const listen = (port: number) =>
    new Promise<number>((resolve) => {
      server = createServer((socket) => {
        const upstream = createConnection(Number(target.port), target.hostname)
        for (const end of [socket, upstream]) {
          sockets.add(end)
          end.on('error', () => end.destroy())
          end.on('close', () => sockets.delete(end))
        }
        socket.pipe(upstream).pipe(socket)
      })
      server.listen(port, '127.0.0.1', () => {
        const address = server!.address()
        resolve(typeof address === 'object' && address !== null ? address.port : 0)
      })
    })
  const port = await listen(0)
  const cut = async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => server!.close(resolve))
  }
  onTestFinished(cut)
  return { port, cut, restore: () => listen(port) }
}

describeWithServices('health of a deployment', () => {
  it('/healthz and /metrics report PostgreSQL, Redis and the other nodes; Redis down is degraded (200)', async () => {
    const redis = await startTestRedis()
    const deployment = await createDeployment(redis.url)
    const [a, b] = await Promise.all([deployment.startNode(), deployment.startNode()])
    await waitFor(async () => (await call(a, 'GET', '/healthz')).body.nodes === 2, {
      what: 'node A to hear node B',
    })
    const healthy = await call(a, 'GET', '/healthz')
    expect(healthy).toMatchObject({
      status: 200,
      body: {
        status: 'ok',
        node: expect.stringMatching(/^[0-9a-f]{16}$/),
        nodes: 2,
        postgres: { isReachable: true, latencyMs: expect.any(Number) },
        redis: { isConnected: true },
      },
    })
    expect(await metric(a.url, 'tessera_postgres_up')).toBe(1)
    expect(await metric(a.url, 'tessera_redis_up')).toBe(1)
    expect(await metric(a.url, 'tessera_cluster_nodes')).toBe(2)

    // An update written on B reaches A, and A counts it.
    const onA = connectStockProvider(a.wsUrl, 't')
    const onB = connectStockProvider(b.wsUrl, 't')
    await waitFor(() => onA.provider.synced && onB.provider.synced, { what: 'sync' })
    onB.doc.getMap('m').set('k', 1)
    await waitFor(() => onA.doc.getMap('m').get('k') === 1, { what: 'the update on A' })
    expect(await metric(a.url, 'tessera_cluster_updates_received_total')).toBeGreaterThan(0)

    await redis.kill()
    await waitFor(async () => (await call(a, 'GET', '/healthz')).body.status === 'degraded', {
      what: 'a degraded report',
    })
    expect(await call(a, 'GET', '/healthz')).toMatchObject({
      status: 200,
      body: { redis: { isConnected: false }, postgres: { isReachable: true } },
    })
    expect(await metric(a.url, 'tessera_redis_up')).toBe(0)
    await redis.start()
    await waitFor(async () => (await call(a, 'GET', '/healthz')).body.status === 'ok', {
      what: 'ok once Redis is back',
    })
  }, 60_000)

  it('PostgreSQL out of reach makes /healthz answer 503 unavailable, and ok again once it is back', async () => {
    const url = new URL(await freshPostgresUrl())
    const relay = await startRelay(new URL(url))
    url.host = `127.0.0.1:${relay.port}`
    const deployment = await createDeployment()
    const node = await deployment.startNode({ postgresUrl: url.toString() })
    expect((await call(node, 'GET', '/healthz')).body.status).toBe('ok')
    await relay.cut()
    expect(await call(node, 'GET', '/healthz')).toMatchObject({
      status: 503,
      body: { status: 'unavailable', postgres: { isReachable: false } },
    })
    expect(await metric(node.url, 'tessera_postgres_up')).toBe(0)
    await relay.restore()
    await waitFor(async () => (await call(node, 'GET', '/healthz')).status === 200, {
      what: 'ok once PostgreSQL is reachable again',
    })
  }, 60_000)
})
