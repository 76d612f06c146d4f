// The load of the durable benchmark (durable.bench.ts): each table's prepared single-cell
// updates, sent as fast as acknowledgements allow or paced at a fixed rate over all tables.
import { readFileSync } from 'node:fs'
import { setTimeout as delay } from 'node:timers/promises'
import * as Y from 'yjs'
import { createTable } from '../../src/index.js'
import type { ChildServer } from '../helpers/child-server.js'
import { connectWireClient, type WireClient } from './wire-client.js'

export const tableCount = 100
export const pacedRate = Number(process.env.TESSERA_BENCH_PACED_RATE || 5000)
const pacedSeconds = Number(process.env.TESSERA_BENCH_PACED_SECONDS || 4)
export const pacedPerTable = Math.ceil((pacedRate * pacedSeconds) / tableCount)

/** A table's first state and the single-cell updates a writer sends to it, in order. */
export interface Workload {
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

/** Table `index`'s 50 rows and `count` single-cell edits of them. */
export function workload(index: number, count: number): Workload {
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
export function cpuSeconds(server: ChildServer): number {
  const fields = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** Connects one wire client per table (writer w holds tables 2w and 2w + 1). */
export async function connectTables(server: ChildServer, prefix: string): Promise<WireClient[]> {
  const clients: WireClient[] = []
  for (let index = 0; index < tableCount; index++)
    clients.push(await connectWireClient(server.wsUrl, `${prefix}-${index}`))
  return clients
}

/** Sends updates `from`–`to` of every table, at most `inFlight` unacknowledged per table; seconds. */
export async function throughput(
  clients: WireClient[],
  loads: Workload[],
  from: number,
  to: number,
  inFlight: number,
): Promise<number> {
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

/**
 * Sends updates at `pacedRate` over all tables, each followed by a saved request: the
 * acknowledgement latencies, how late each update left against its schedule, and the seconds.
 */
export async function paced(clients: WireClient[], loads: Workload[], from: number) {
  const latencies: number[] = []
  const sendLateMs: number[] = []
  const acks: Promise<void>[] = []
  const total = pacedPerTable * tableCount
  const start = performance.now()
  let sent = 0
  while (sent < total) {
    const now = performance.now()
    const due = Math.min(total, Math.floor(((now - start) / 1000) * pacedRate))
    for (; sent < due; sent++) {
      const table = sent % tableCount
      const client = clients[table]!
      sendLateMs.push(now - (start + (sent / pacedRate) * 1000))
      client.sendUpdate(loads[table]!.updates[from + Math.floor(sent / tableCount)]!)
      const sentAt = performance.now()
      acks.push(client.save().then((at) => void latencies.push(at - sentAt)))
    }
    await delay(1)
  }
  await Promise.all(acks)
  return { latencies, sendLateMs, seconds: (performance.now() - start) / 1000 }
}
