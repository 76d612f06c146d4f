// Scale-out beside the single node, in one run (child processes): cross-node fan-out latency
// (writers on node A, readers on B and C), aggregate durable updates per second over 100 tables
// with 1 and 3 nodes, and memory per node. Needs TESSERA_TEST_POSTGRES_URL and TESSERA_TEST_REDIS_URL.
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { expect, it } from 'vitest'
import { bundleEntry, startChildServer, type ChildServer } from '../helpers/child-server.js'
import { createDeployment } from '../helpers/cluster-nodes.js'
import { services } from '../helpers/services.js'
import { connectClient } from '../helpers/sync-client.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitFor } from '../helpers/wait-for.js'
import { percentile, report } from './report.js'
import { connectBenchClient, type BenchClient } from './server-clients.js'

const clientCounts = (process.env.TESSERA_BENCH_CLUSTER_CLIENTS ?? '50,200').split(',').map(Number)
const writesPerSecond = Number(process.env.TESSERA_BENCH_RATE || 20)
const writeSeconds = Number(process.env.TESSERA_BENCH_SECONDS || 5)
const updatesPerTable = Number(process.env.TESSERA_BENCH_UPDATES_PER_TABLE || 50)
const ms = (value: number): string => value.toFixed(1)
const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1)

/** A single node on SQLite, as `npm start` runs it. */
const startSqliteNode = async (): Promise<ChildServer> => {
  const file = await bundleEntry('server/main.ts', 'bench-tessera')
  const db = join(tempDir(), `single-${Math.random().toString(36).slice(2)}.db`)
  return startChildServer(file, ['serve', '--port', '0', '--db', db])
}

const connectGroup = async (urls: string[], table: string, count: number) => {
  const clients: { client: BenchClient; node: number }[] = []
  for (let index = 0; index < count; index += 25) {
    const group = Array.from({ length: Math.min(25, count - index) }, (_, offset) => {
      const node = (index + offset) % urls.length
      return { client: connectBenchClient('tessera', urls[node]!, table), node }
    })
    clients.push(...group)
    await waitFor(() => group.every(({ client }) => client.isSynced()), {
      what: 'clients to sync',
      timeoutMs: 60_000,
    })
  }
  return clients
}

/** Writers are the clients of node 0; latency is measured per receiving node. */
const fanoutLatency = async (urls: string[], count: number, table: string) => {
  const clients = await connectGroup(urls, table, count)
  const latencies = urls.map((): number[] => [])
  for (const { client, node } of clients) {
    const map = client.doc.getMap<number>('m')
    map.observe((event) => {
      if (event.transaction.local) return
      const now = performance.now()
      for (const key of event.keysChanged) latencies[node]!.push(now - map.get(key)!)
    })
  }
  const writers = clients.filter(({ node }) => node === 0)
  const writes = Math.round(writesPerSecond * writeSeconds)
  const start = performance.now()
  for (let index = 0; index < writes; index++) {
    const wait = start + (index * 1000) / writesPerSecond - performance.now()
    if (wait > 0) await delay(wait)
    writers[index % writers.length]!.client.doc.getMap('m').set(`w${index}`, performance.now())
  }
  const expected = writes * (count - 1)
  const delivered = (): number => latencies.reduce((sum, list) => sum + list.length, 0)
  await waitFor(() => delivered() >= expected, { timeoutMs: 30_000 }).catch(() => undefined)
  for (const { client } of clients) client.destroy()
  return { latencies, delivered: delivered(), expected }
}

/** 100 tables, one writer each (spread over the nodes): updates per second until all are saved. */
const durableThroughput = async (urls: string[], tables = 100) => {
  const clients = Array.from({ length: tables }, (_, index) =>
    connectClient(urls[index % urls.length]!, `durable-${index}`),
  )
  await Promise.all(clients.map((client) => client.whenSynced()))
  const begin = performance.now()
  clients.forEach((client, index) => {
    for (let step = 0; step < updatesPerTable; step++)
      client.doc.getMap('m').set(`${index}-${step}`, step)
  })
  await Promise.all(clients.map((client) => client.save()))
  const seconds = (performance.now() - begin) / 1000
  for (const client of clients) client.close()
  return Math.round((tables * updatesPerTable) / seconds)
}

it.skipIf(services === undefined)(
  'scale-out benchmark',
  async () => {
    const single = await startSqliteNode()
    const deployment = await createDeployment()
    const nodes = [
      await deployment.startChildNode(),
      await deployment.startChildNode(),
      await deployment.startChildNode(),
    ]
    const rows: string[][] = [
      [
        'RSS idle (MiB)',
        mib(single.rssBytes()),
        nodes.map((node) => mib(node.rssBytes())).join(' / '),
      ],
    ]
    await fanoutLatency([single.wsUrl], 10, 'warm-up')
    await fanoutLatency(
      nodes.map((node) => node.wsUrl),
      12,
      'warm-up',
    )
    for (const count of clientCounts) {
      const one = await fanoutLatency([single.wsUrl], count, `latency-${count}`)
      const three = await fanoutLatency(
        nodes.map((node) => node.wsUrl),
        count,
        `latency-${count}`,
      )
      expect(three.delivered).toBe(three.expected)
      const all = one.latencies[0]!
      const crossNode = [...three.latencies[1]!, ...three.latencies[2]!]
      const sameNode = three.latencies[0]!
      rows.push([
        `propagation p50 / p99, ${count} clients (ms): single node; 3 nodes same node (A) / cross-node (B, C)`,
        `${ms(percentile(all, 50))} / ${ms(percentile(all, 99))}`,
        `${ms(percentile(sameNode, 50))} / ${ms(percentile(sameNode, 99))} (A); ${ms(percentile(crossNode, 50))} / ${ms(percentile(crossNode, 99))} (B, C)`,
      ])
      rows.push([
        `RSS after ${count} clients (MiB)`,
        mib(single.rssBytes()),
        nodes.map((node) => mib(node.rssBytes())).join(' / '),
      ])
    }
    const singleRate = await durableThroughput([single.wsUrl])
    const oneNodeRate = await durableThroughput([nodes[0]!.wsUrl])
    const threeNodeRate = await durableThroughput(nodes.map((node) => node.wsUrl))
    rows.push([
      `durable updates per second, 100 tables × ${updatesPerTable} updates: SQLite node; PostgreSQL 1 node / 3 nodes`,
      String(singleRate),
      `${oneNodeRate} (1 node) / ${threeNodeRate} (3 nodes)`,
    ])
    rows.push([
      'RSS after 100 tables loaded (MiB)',
      mib(single.rssBytes()),
      nodes.map((node) => mib(node.rssBytes())).join(' / '),
    ])
    await single.stop()
    report(
      'cluster',
      `Scale-out: ${writesPerSecond} writes/s for ${writeSeconds} s on one table; 3 nodes on PostgreSQL + Redis`,
      ['measure', 'single node (SQLite)', '3 nodes (PostgreSQL + Redis): A / B / C'],
      rows,
    )
  },
  1_800_000,
)
