// The sync server beside @y/websocket-server 0.1.1 and Hocuspocus 4 in one run, each in its own
// child process: propagation latency, catch-up, memory, cold load and durable throughput.
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import * as Y from 'yjs'
import { expect, it } from 'vitest'
import { createTable } from '../../src/index.js'
import { createServer } from '../../server/index.js'
import { bundleEntry, startChildServer, type ChildServer } from '../helpers/child-server.js'
import { connectClient } from '../helpers/sync-client.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitFor } from '../helpers/wait-for.js'
import { percentile, report } from './report.js'
import {
  connectBenchClient,
  serverKinds,
  startBenchServer,
  type BenchClient,
  type ServerKind,
} from './server-clients.js'

const clientCounts = (process.env.TESSERA_BENCH_CLIENTS ?? '10,50,200').split(',').map(Number)
const writesPerSecond = Number(process.env.TESSERA_BENCH_RATE || 20)
const writeSeconds = Number(process.env.TESSERA_BENCH_SECONDS || 5)
const catchUpRows = Number(process.env.TESSERA_BENCH_CATCHUP_ROWS || 20_000)
const coldRows = Number(process.env.TESSERA_BENCH_COLD_ROWS || 100_000)
const ms = (value: number): string => value.toFixed(1)
const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1)

const connectAll = async (
  kind: ServerKind,
  wsUrl: string,
  table: string,
  count: number,
): Promise<BenchClient[]> => {
  const clients: BenchClient[] = []
  // Connects in groups, as real clients arrive, so the handshakes do not all time out at once.
  for (let index = 0; index < count; index += 25) {
    const group = Array.from({ length: Math.min(25, count - index) }, () =>
      connectBenchClient(kind, wsUrl, table),
    )
    clients.push(...group)
    await waitFor(() => group.every((client) => client.isSynced()), {
      what: `${kind} clients to sync`,
      timeoutMs: 60_000,
    })
  }
  return clients
}

/** Propagation: one write every 1000/rate ms, round robin over the clients; latency per receiver. */
const propagation = async (
  kind: ServerKind,
  wsUrl: string,
  count: number,
  table: string,
  seconds = writeSeconds,
) => {
  const clients = await connectAll(kind, wsUrl, table, count)
  const latencies: number[] = []
  for (const client of clients) {
    const map = client.doc.getMap<number>('m')
    map.observe((event) => {
      if (event.transaction.local) return
      const now = performance.now()
      for (const key of event.keysChanged) latencies.push(now - map.get(key)!)
    })
  }
  const writes = Math.round(writesPerSecond * seconds)
  const start = performance.now()
  for (let index = 0; index < writes; index++) {
    const due = start + (index * 1000) / writesPerSecond
    const wait = due - performance.now()
    if (wait > 0) await delay(wait)
    clients[index % count]!.doc.getMap('m').set(`w${index}`, performance.now())
  }
  const expected = writes * (count - 1)
  await waitFor(() => latencies.length >= expected, { timeoutMs: 15_000 }).catch(() => undefined)
  for (const client of clients) client.destroy()
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    delivered: latencies.length,
    expected,
  }
}

/** Catch-up: a reader misses 1,000 cell edits of a table and reconnects. */
const catchUp = async (kind: ServerKind, wsUrl: string) => {
  const writer = connectBenchClient(kind, wsUrl, 'catch-up')
  await waitFor(() => writer.isSynced(), { what: 'writer sync' })
  const table = createTable({
    doc: writer.doc,
    columns: [{ name: 'n', type: 'number', default: 0 }],
  })
  const ids = table.insertRows(Array.from({ length: catchUpRows }, (_, n) => ({ n })))
  const reader = connectBenchClient(kind, wsUrl, 'catch-up')
  await waitFor(() => reader.isSynced() && reader.doc.getMap('rows').size === catchUpRows, {
    what: 'reader sync',
    timeoutMs: 60_000,
  })
  const fullBytes = reader.bytesReceived()
  reader.disconnect()
  for (let edit = 0; edit < 1000; edit++)
    table.updateRow(ids[(edit * 7919) % ids.length]!, { n: -edit - 1 })
  const last = ids[(999 * 7919) % ids.length]!
  // A fresh probe that sees the last edit proves the server has all of them before the reader returns.
  const probe = connectBenchClient(kind, wsUrl, 'catch-up')
  const probeTable = createTable({ doc: probe.doc })
  await waitFor(() => probe.isSynced() && probeTable.getCell(last, 'n') === -1000, {
    what: 'the edits to reach the server',
    timeoutMs: 60_000,
  })
  probe.destroy()
  const before = reader.bytesReceived()
  const start = performance.now()
  reader.connect()
  const readerTable = createTable({ doc: reader.doc })
  await waitFor(() => readerTable.getCell(last, 'n') === -1000, {
    what: 'catch-up',
    timeoutMs: 30_000,
  })
  const result = {
    bytes: reader.bytesReceived() - before,
    ms: performance.now() - start,
    fullBytes,
  }
  writer.destroy()
  reader.destroy()
  return result
}

/** Memory: 100 tables with 20 rows each loaded, 500 idle connections (5 per table). */
const memory = async (kind: ServerKind, wsUrl: string, rss: () => number) => {
  const clients: BenchClient[] = []
  for (let table = 0; table < 100; table++) {
    const group = Array.from({ length: 5 }, () => connectBenchClient(kind, wsUrl, `idle-${table}`))
    clients.push(...group)
    createTable({ doc: group[0]!.doc, columns: [{ name: 'n', type: 'number' }] }).insertRows(
      Array.from({ length: 20 }, (_, n) => ({ n })),
    )
    await waitFor(() => group.every((client) => client.isSynced()), { timeoutMs: 60_000 })
  }
  await waitFor(() => clients.every((client) => client.doc.getMap('rows').size === 20), {
    timeoutMs: 60_000,
  })
  const bytes = rss()
  for (const client of clients) client.destroy()
  return bytes
}

it('sync server benchmark', async () => {
  const dir = tempDir()
  const results = new Map<string, Partial<Record<ServerKind, string>>>()
  const put = (measure: string, kind: ServerKind, value: string) => {
    results.set(measure, { ...results.get(measure), [kind]: value })
  }
  const servers = new Map<ServerKind, ChildServer>()
  for (const kind of serverKinds) {
    const server = await startBenchServer(kind, dir)
    servers.set(kind, server)
    put('server RSS idle (MiB)', kind, mib(server.rssBytes()))
  }
  // Warms up the clients' code (this process) on every server before anything is measured.
  for (const kind of serverKinds)
    await propagation(kind, servers.get(kind)!.wsUrl, 10, 'warm-up', 1)
  // Each client count runs every server in turn, the order rotated, so no server always goes first.
  for (const [round, count] of clientCounts.entries()) {
    const order = serverKinds.map((_, index) => serverKinds[(index + round) % serverKinds.length]!)
    for (const kind of order) {
      const result = await propagation(
        kind,
        servers.get(kind)!.wsUrl,
        count,
        `propagation-${count}`,
      )
      put(
        `propagation p50 / p99, ${count} clients (ms)`,
        kind,
        `${ms(result.p50)} / ${ms(result.p99)}`,
      )
      put(
        `delivered / expected, ${count} clients`,
        kind,
        `${result.delivered} / ${result.expected}`,
      )
      if (kind.startsWith('tessera')) expect(result.delivered).toBe(result.expected)
    }
  }
  for (const kind of serverKinds) {
    const server = servers.get(kind)!
    const caught = await catchUp(kind, server.wsUrl)
    const rowsText = catchUpRows.toLocaleString('en')
    put(`first full sync of ${rowsText} rows: bytes`, kind, caught.fullBytes.toLocaleString('en'))
    put(
      `catch-up after 1,000 missed edits of ${rowsText} rows: bytes`,
      kind,
      caught.bytes.toLocaleString('en'),
    )
    put('catch-up time (ms)', kind, ms(caught.ms))
  }
  for (const kind of serverKinds) {
    const server = servers.get(kind)!
    put(
      'server RSS, 100 tables + 500 idle connections (MiB)',
      kind,
      mib(await memory(kind, server.wsUrl, () => server.rssBytes())),
    )
    await server.stop()
  }
  const rows = [...results].map(([measure, row]) => [
    measure,
    ...serverKinds.map((kind) => row[kind] ?? ''),
  ])
  report(
    'server',
    `Sync server: ${writesPerSecond} writes/s for ${writeSeconds} s on one table`,
    ['measure', ...serverKinds],
    rows,
  )
}, 1_800_000)

it('cold load and durable throughput of Tessera', async () => {
  const dir = tempDir()
  // Cold load: a 100,000-row table stored in SQLite, loaded by a fresh server on first connection.
  const dbPath = join(dir, 'cold.db')
  const writerServer = await createServer({ host: '127.0.0.1', port: 0, dbPath, staticDir: false })
  const wsUrl = writerServer.url!.replace(/^http/, 'ws')
  const writer = connectClient(wsUrl, 'cold')
  await writer.whenSynced()
  const table = createTable({
    doc: writer.doc,
    columns: Array.from({ length: 10 }, (_, index) => ({
      name: `c${index}`,
      type: 'string' as const,
    })),
  })
  for (let start = 0; start < coldRows; start += 10_000) {
    table.insertRows(
      Array.from({ length: 10_000 }, (_, index) =>
        Object.fromEntries(
          Array.from({ length: 10 }, (_, column) => [`c${column}`, `v${start + index}-${column}`]),
        ),
      ),
    )
  }
  await writer.save()
  writer.close()
  await writerServer.close()
  const stored = Y.encodeStateAsUpdate(writer.doc).byteLength
  const cold = await createServer({ host: '127.0.0.1', port: 0, dbPath, staticDir: false })
  const start = performance.now()
  const reader = connectClient(cold.url!.replace(/^http/, 'ws'), 'cold')
  // The server greets (sync step 1) as soon as the table is loaded from SQLite.
  await waitFor(() => reader.bytesReceived > 0, { timeoutMs: 120_000 })
  const loadMs = performance.now() - start
  await reader.whenSynced()
  const coldMs = performance.now() - start
  expect(reader.doc.getMap('rows').size).toBeGreaterThan(0)
  reader.close()
  await cold.close()

  // Durable throughput: 10 clients send 500 small updates each as fast as they can, then wait
  // for the saved acknowledgement; every update is committed before it is broadcast.
  const rows: (string | number)[][] = [
    [
      `cold load of a ${coldRows.toLocaleString('en')}-row × 10-column table (${mib(stored)} MiB) from SQLite into the server (ms)`,
      ms(loadMs),
    ],
    ['… until the first client has synced it (ms)', ms(coldMs)],
  ]
  for (const synchronous of ['full', 'normal'] as const) {
    const file = await bundleEntry('server/main.ts', 'bench-tessera')
    const server = await startChildServer(file, [
      'serve',
      '--port',
      '0',
      '--db',
      join(dir, `durable-${synchronous}.db`),
      '--sqlite-synchronous',
      synchronous,
    ])
    const clients = Array.from({ length: 10 }, () => connectClient(server.wsUrl, 'durable'))
    await Promise.all(clients.map((client) => client.whenSynced()))
    const begin = performance.now()
    clients.forEach((client, index) => {
      for (let step = 0; step < 500; step++) client.doc.getMap('m').set(`${index}-${step}`, step)
    })
    await Promise.all(clients.map((client) => client.save()))
    const seconds = (performance.now() - begin) / 1000
    rows.push([
      `durable updates per second, 10 clients, synchronous=${synchronous}`,
      Math.round(5000 / seconds),
    ])
    for (const client of clients) client.close()
    await server.stop()
  }
  report(
    'server-load',
    'Sync server: cold load and durable throughput (Tessera)',
    ['measure', 'value'],
    rows,
  )
}, 1_800_000)
