// Durable single-cell updates on one server: 50 writers over 100 tables send Tessera cell edits
// and wait for the saved acknowledgement of each (Tessera commits to SQLite before it acknowledges
// or broadcasts). Beside it, the in-memory reference server (@y/websocket-server) handles the same
// updates: server CPU per update of both, from /proc, in one run.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable } from '../../src/index.js'
import { bundleEntry, startChildServer, type ChildServer } from '../helpers/child-server.js'
import { tempDir } from '../helpers/temp-dir.js'
import { percentile, report } from './report.js'
import { startBenchServer } from './server-clients.js'
import { connectWireClient, type WireClient } from './wire-client.js'

const tableCount = 100
const writerCount = 50
const perTable = Number(process.env.TESSERA_BENCH_DURABLE_UPDATES || 1000)
/** Unacknowledged updates a writer keeps in flight per table in the throughput run. */
const inFlight = Number(process.env.TESSERA_BENCH_IN_FLIGHT || 8)
const pacedRate = Number(process.env.TESSERA_BENCH_PACED_RATE || 5000)
const pacedSeconds = Number(process.env.TESSERA_BENCH_PACED_SECONDS || 4)
const pacedPerTable = Math.ceil((pacedRate * pacedSeconds) / tableCount)
/** A folder: the Tessera server writes a CPU profile there (and is stopped, not killed). */
const profileDir = process.env.TESSERA_BENCH_PROFILE

/** A table's first state and the single-cell updates a writer sends to it, in order. */
interface Workload {
  base: Uint8Array
  updates: Uint8Array[]
  /** The table as it is once every update is applied. */
  final: unknown
}

/** A deterministic generator, so every run sends the same edits. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

function workload(index: number, count: number): Workload {
  const doc = new Y.Doc()
  const table = createTable({
    doc,
    columns: ['a', 'b', 'c', 'd'].map((name) => ({ name, type: 'number' as const })),
  })
  const ids = table.insertRows(Array.from({ length: 50 }, (_, n) => ({ a: n, b: n, c: n, d: n })))
  const base = Y.encodeStateAsUpdate(doc)
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  const next = random(index + 1)
  for (let edit = 0; edit < count; edit++) {
    const column = ['a', 'b', 'c', 'd'][Math.floor(next() * 4)]!
    table.setCell(ids[Math.floor(next() * ids.length)]!, column, edit)
  }
  return { base, updates, final: table.toJSON() }
}

/** CPU seconds (user + system) the process has used, from /proc. */
function cpuSeconds(server: ChildServer): number {
  const fields = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** Connects one wire client per table (writer w holds tables 2w and 2w + 1). */
async function connectTables(server: ChildServer, prefix: string): Promise<WireClient[]> {
  const clients: WireClient[] = []
  for (let index = 0; index < tableCount; index++)
    clients.push(await connectWireClient(server.wsUrl, `${prefix}-${index}`))
  return clients
}

/** Sends every table's updates, at most `inFlight` unacknowledged per table; returns seconds. */
async function throughput(clients: WireClient[], loads: Workload[], from: number, to: number) {
  const start = performance.now()
  await Promise.all(
    clients.map(async (client, table) => {
      const waiting: Promise<number>[] = []
      for (let index = from; index < to; index++) {
        client.sendUpdate(loads[table]!.updates[index]!)
        waiting.push(client.save())
        if (waiting.length >= inFlight) await waiting.shift()
      }
      await Promise.all(waiting)
    }),
  )
  return (performance.now() - start) / 1000
}

/** Sends updates at `pacedRate` over all tables, each followed by a saved request; latencies. */
async function paced(clients: WireClient[], loads: Workload[], from: number) {
  const latencies: number[] = []
  const acks: Promise<void>[] = []
  const total = pacedPerTable * tableCount
  const start = performance.now()
  let sent = 0
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * pacedRate))
    for (; sent < due; sent++) {
      const table = sent % tableCount
      const client = clients[table]!
      client.sendUpdate(loads[table]!.updates[from + Math.floor(sent / tableCount)]!)
      const sentAt = performance.now()
      acks.push(client.save().then((at) => void latencies.push(at - sentAt)))
    }
    await delay(1)
  }
  await Promise.all(acks)
  return latencies
}

/** The reference server gets the same updates (it has no acknowledgement): CPU per update. */
async function reference(dir: string, loads: Workload[]) {
  const server = await startBenchServer('y-websocket-server', dir)
  const clients = await connectTables(server, 'reference')
  clients.forEach((client, table) => client.sendUpdate(loads[table]!.base))
  await Promise.all(clients.map((client) => client.sync()))
  const before = cpuSeconds(server)
  for (let index = 0; index < perTable; index++)
    clients.forEach((client, table) => client.sendUpdate(loads[table]!.updates[index]!))
  await Promise.all(clients.map((client) => client.sync()))
  const cpu = cpuSeconds(server) - before
  for (const client of clients) client.close()
  await server.stop()
  return (cpu / (perTable * tableCount)) * 1e6
}

it('durable single-cell updates: 50 writers over 100 tables', async () => {
  const dir = tempDir()
  const loads = Array.from({ length: tableCount }, (_, index) =>
    workload(index, perTable + pacedPerTable),
  )
  const referenceMicros = await reference(dir, loads)
  const file = await bundleEntry('server/main.ts', 'bench-tessera')
  const db = join(dir, 'durable.db')
  const args = ['serve', '--port', '0', '--db', db, '--max-messages-per-second', '100000']
  const nodeArgs = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]
  let server = await startChildServer(file, args, {}, nodeArgs)
  const clients = await connectTables(server, 'table')
  clients.forEach((client, table) => client.sendUpdate(loads[table]!.base))
  await Promise.all(clients.map((client) => client.save()))
  // A short first run lets the server's JIT settle before anything is measured.
  const warm = Math.min(50, perTable)
  await throughput(clients, loads, 0, warm)
  let cpu = cpuSeconds(server)
  const seconds = await throughput(clients, loads, warm, perTable)
  const throughputCpu = cpuSeconds(server) - cpu
  const updates = (perTable - warm) * tableCount
  cpu = cpuSeconds(server)
  const latencies = await paced(clients, loads, perTable)
  const pacedCpu = cpuSeconds(server) - cpu
  for (const client of clients) client.close()

  // Everything acknowledged survives a kill -9: a new server on the same file has every edit.
  await server.stop(profileDir === undefined ? 'SIGKILL' : 'SIGTERM')
  server = await startChildServer(file, args)
  let intact = 0
  for (const [index, load] of loads.entries()) {
    const client = await connectWireClient(server.wsUrl, `table-${index}`)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, await client.sync())
    client.close()
    if (JSON.stringify(createTable({ doc }).toJSON()) === JSON.stringify(load.final)) intact++
  }
  await server.stop()
  expect(intact).toBe(tableCount)
  report(
    'durable',
    `Durable single-cell updates, ${writerCount} writers over ${tableCount} tables (Tessera: SQLite, synchronous=normal)`,
    ['measure', 'Tessera', '@y/websocket-server (in memory, no acknowledgement)'],
    [
      [
        `acknowledged updates per second (${updates.toLocaleString('en')} updates, ${inFlight} in flight per table)`,
        Math.round(updates / seconds).toLocaleString('en'),
        '',
      ],
      [
        'server CPU per update (µs)',
        ((throughputCpu / updates) * 1e6).toFixed(1),
        referenceMicros.toFixed(1),
      ],
      [
        `acknowledgement latency p50 / p99 at ${pacedRate.toLocaleString('en')} updates/s (ms)`,
        `${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 99).toFixed(1)}`,
        '',
      ],
      [
        `server CPU per update at ${pacedRate.toLocaleString('en')} updates/s (µs)`,
        ((pacedCpu / (pacedPerTable * tableCount)) * 1e6).toFixed(1),
        '',
      ],
      ['tables intact after kill -9 and restart', `${intact} / ${tableCount}`, ''],
    ],
  )
}, 1_800_000)
