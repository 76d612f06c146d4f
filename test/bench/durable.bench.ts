// Durable single-cell updates on one server: 50 writers over 100 tables send Tessera cell edits
// and wait for the saved acknowledgement of each (Tessera commits to SQLite before it acknowledges
// or broadcasts). Beside it, the in-memory reference server (@y/websocket-server) handles the same
// updates: server CPU per update of both, from /proc, in one run. The benchmark's own CPU is
// reported too: it shares the machine's cores with the server.
// TESSERA_BENCH_BASELINE=<bundle> (a server/main.ts bundled from another commit) runs it beside
// this tree's server, alternated TESSERA_BENCH_ROUNDS times (default 2), so a gain is a ratio in
// one run. TESSERA_BENCH_STALLS=<dir> loads stall-probe.ts into each Tessera server (the baseline
// too) and adds a row: the paced phase's turns over 5 ms, by cause (docs/benchmarks.md, issue 16).
// Every server starts with the `tessera` command's Node flags (S280, server/node-flags.ts);
// TESSERA_BENCH_NODE_ARGS="<flags>" adds flags to this tree's server only (not the baseline), e.g.
// `--max-semi-space-size=16` (Node 20's default) against the same code bundled as the baseline.
// Each round also measures two floors, not peers (servers/durable-floor-main.ts): plain Yjs with
// what Tessera's design must do per update (the SQLite log and commit per turn, an audit row per
// table and turn, the saved answers), and the same with Tessera's checks (applyChecked);
// TESSERA_BENCH_FLOORS=0 leaves them out.
import { appendFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable } from '../../src/index.js'
import { bundleEntry, startChildServer } from '../helpers/child-server.js'
import { tempDir } from '../helpers/temp-dir.js'
import {
  connectTables,
  cpuSeconds,
  paced,
  pacedPerTable,
  pacedRate,
  tableCount,
  throughput,
  workload,
  type Workload,
} from './durable-load.js'
import { percentile, report } from './report.js'
import { formatStalls, stallFigures, type StallFigures } from './stall-report.js'
import { startBenchServer } from './server-clients.js'
import { connectWireClient } from './wire-client.js'

const writerCount = 50
const perTable = Number(process.env.TESSERA_BENCH_DURABLE_UPDATES || 1000)
const inFlight = Number(process.env.TESSERA_BENCH_IN_FLIGHT || 8)
const baseline = process.env.TESSERA_BENCH_BASELINE
const rounds = Number(process.env.TESSERA_BENCH_ROUNDS || 2)
/** A folder: the Tessera server writes a CPU profile there (and is stopped, not killed). */
const profileDir = process.env.TESSERA_BENCH_PROFILE
/** A folder: each Tessera server runs stall-probe.ts, and the paced phase's stalls are reported. */
const stallDir = process.env.TESSERA_BENCH_STALLS
const withFloors = process.env.TESSERA_BENCH_FLOORS !== '0'

/**
 * The reference server gets the same updates (it has no acknowledgement): CPU per update. With
 * TESSERA_BENCH_PROFILE it writes a CPU profile too (beside the others, for comparison).
 */
async function reference(dir: string, loads: Workload[]) {
  const server =
    profileDir === undefined
      ? await startBenchServer('y-websocket-server', dir)
      : await startChildServer(
          await bundleEntry('test/bench/servers/y-websocket-main.ts', 'bench-y-websocket-server'),
          [],
          {},
          ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
        )
  const clients = await connectTables(server, 'reference')
  clients.forEach((client, table) => client.sendUpdate(loads[table]!.base))
  await Promise.all(clients.map((client) => client.sync()))
  const before = cpuSeconds(server)
  for (let index = 0; index < perTable; index++)
    clients.forEach((client, table) => client.sendUpdate(loads[table]!.updates[index]!))
  await Promise.all(clients.map((client) => client.sync()))
  const cpu = cpuSeconds(server) - before
  for (const client of clients) client.close()
  await server.stop(profileDir === undefined ? 'SIGKILL' : 'SIGTERM')
  return (cpu / (perTable * tableCount)) * 1e6
}

/** One Tessera server's figures: throughput and paced runs, then kill -9 and a check. */
interface Figures {
  perSecond: number
  serverMicros: number
  benchMicros: number
  serverCores: number
  benchCores: number
  latencies: number[]
  sendLateMs: number[]
  pacedServerMicros: number
  pacedServerCores: number
  pacedBenchCores: number
  stalls: StallFigures | undefined
  intact: number
}

const benchCpuSeconds = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

const ownNodeArgs = (process.env.TESSERA_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)

async function measure(
  file: string,
  dir: string,
  loads: Workload[],
  flags: readonly string[] = [],
  floorEnv: Record<string, string> = {},
): Promise<Figures> {
  const name = `durable-${Math.random().toString(36).slice(2)}`
  const db = join(dir, `${name}.db`)
  const args = ['serve', '--port', '0', '--db', db, '--max-messages-per-second', '100000']
  const nodeArgs = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]
  nodeArgs.push(...flags)
  const stallFile = stallDir === undefined ? undefined : join(stallDir, `${name}.jsonl`)
  if (stallFile !== undefined) {
    mkdirSync(stallDir!, { recursive: true })
    nodeArgs.push('--import', await bundleEntry('test/bench/stall-probe.ts', 'stall-probe'))
  }
  const env: Record<string, string> =
    stallFile === undefined ? { ...floorEnv } : { ...floorEnv, TESSERA_STALL_FILE: stallFile }
  let server = await startChildServer(file, args, env, nodeArgs)
  const clients = await connectTables(server, 'table')
  clients.forEach((client, table) => client.sendUpdate(loads[table]!.base))
  await Promise.all(clients.map((client) => client.save()))
  // A short first run lets the server's JIT settle before anything is measured.
  const warm = Math.min(50, perTable)
  await throughput(clients, loads, 0, warm, inFlight)
  let cpu = cpuSeconds(server)
  let benchCpu = benchCpuSeconds()
  const seconds = await throughput(clients, loads, warm, perTable, inFlight)
  const throughputCpu = cpuSeconds(server) - cpu
  const throughputBenchCpu = benchCpuSeconds() - benchCpu
  const updates = (perTable - warm) * tableCount
  cpu = cpuSeconds(server)
  benchCpu = benchCpuSeconds()
  const pacedFromMs = Date.now()
  const run = await paced(clients, loads, perTable)
  const pacedToMs = Date.now()
  const pacedCpu = cpuSeconds(server) - cpu
  const pacedBenchCpu = benchCpuSeconds() - benchCpu
  for (const client of clients) client.close()

  // The probe writes what it saw every 200 ms.
  if (stallFile !== undefined) await delay(500)
  // Everything acknowledged survives a kill -9: a new server on the same file has every edit.
  await server.stop(profileDir === undefined ? 'SIGKILL' : 'SIGTERM')
  if (stallFile !== undefined) {
    const window = { k: 'paced', s: pacedFromMs, d: pacedToMs - pacedFromMs }
    appendFileSync(stallFile, JSON.stringify(window) + '\n')
  }
  const stalls =
    stallFile === undefined ? undefined : stallFigures(stallFile, pacedFromMs, pacedToMs)
  server = await startChildServer(file, args, floorEnv)
  let intact = 0
  for (const [index, load] of loads.entries()) {
    const client = await connectWireClient(server.wsUrl, `table-${index}`)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, await client.sync())
    client.close()
    if (JSON.stringify(createTable({ doc }).toJSON()) === JSON.stringify(load.final)) intact++
  }
  await server.stop()
  return {
    perSecond: updates / seconds,
    serverMicros: (throughputCpu / updates) * 1e6,
    benchMicros: (throughputBenchCpu / updates) * 1e6,
    serverCores: throughputCpu / seconds,
    benchCores: throughputBenchCpu / seconds,
    latencies: run.latencies,
    sendLateMs: run.sendLateMs,
    pacedServerMicros: (pacedCpu / (pacedPerTable * tableCount)) * 1e6,
    pacedServerCores: pacedCpu / run.seconds,
    pacedBenchCores: pacedBenchCpu / run.seconds,
    stalls,
    intact,
  }
}

const joined = (runs: Figures[], cell: (figures: Figures) => string): string =>
  runs.map(cell).join('; ')

function rows(runs: Figures[], updates: number): string[][] {
  const ms = (samples: number[], p: number) => percentile(samples, p).toFixed(1)
  const rate = pacedRate.toLocaleString('en')
  return [
    [
      `acknowledged updates per second (${updates.toLocaleString('en')} updates, ${inFlight} in flight per table)`,
      joined(runs, (f) => Math.round(f.perSecond).toLocaleString('en')),
    ],
    ['server CPU per update (µs)', joined(runs, (f) => f.serverMicros.toFixed(1))],
    ['bench process CPU per update (µs)', joined(runs, (f) => f.benchMicros.toFixed(1))],
    [
      'cores busy: server / bench process',
      joined(runs, (f) => `${f.serverCores.toFixed(2)} / ${f.benchCores.toFixed(2)}`),
    ],
    [
      `acknowledgement latency p50 / p95 / p99 / max at ${rate} updates/s (ms)`,
      joined(
        runs,
        (f) =>
          `${ms(f.latencies, 50)} / ${ms(f.latencies, 95)} / ${ms(f.latencies, 99)} / ${ms(f.latencies, 100)}`,
      ),
    ],
    [
      `bench process sending late, p99 / max at ${rate}/s (ms)`,
      joined(runs, (f) => `${ms(f.sendLateMs, 99)} / ${ms(f.sendLateMs, 100)}`),
    ],
    [
      `server CPU per update at ${rate}/s (µs); cores busy: server / bench process`,
      joined(
        runs,
        (f) =>
          `${f.pacedServerMicros.toFixed(1)}; ${f.pacedServerCores.toFixed(2)} / ${f.pacedBenchCores.toFixed(2)}`,
      ),
    ],
    ['tables intact after kill -9 and restart', joined(runs, (f) => `${f.intact} / ${tableCount}`)],
    ...(stallDir === undefined
      ? []
      : [
          [
            `server stalls at ${rate}/s: ms of turns over 5 ms per second, by cause`,
            joined(runs, (f) => (f.stalls === undefined ? '' : formatStalls(f.stalls))),
          ],
        ]),
  ]
}

it('durable single-cell updates: 50 writers over 100 tables', async () => {
  const dir = tempDir()
  const loads = Array.from({ length: tableCount }, (_, index) =>
    workload(index, perTable + pacedPerTable),
  )
  const referenceMicros = await reference(dir, loads)
  const file = await bundleEntry('server/main.ts', 'bench-tessera')
  const floorFile = await bundleEntry('test/bench/servers/durable-floor-main.ts', 'bench-floor')
  const tessera: Figures[] = []
  const before: Figures[] = []
  const floors: Figures[][] = [[], []]
  for (let round = 0; round < (baseline === undefined ? 1 : rounds); round++) {
    if (baseline !== undefined) before.push(await measure(baseline, dir, loads))
    if (withFloors) {
      floors[0]!.push(await measure(floorFile, dir, loads, [], { TESSERA_FLOOR_CHECKS: '1' }))
      floors[1]!.push(await measure(floorFile, dir, loads))
    }
    tessera.push(await measure(file, dir, loads, ownNodeArgs))
  }
  for (const figures of [...tessera, ...before, ...floors.flat()])
    expect(figures.intact).toBe(tableCount)
  const updates = (perTable - Math.min(50, perTable)) * tableCount
  const mine = rows(tessera, updates)
  const theirs = baseline === undefined ? undefined : rows(before, updates)
  const floorRows = withFloors ? floors.map((runs) => rows(runs, updates)) : []
  report(
    'durable',
    `Durable single-cell updates, ${writerCount} writers over ${tableCount} tables (Tessera: SQLite, synchronous=normal)`,
    [
      'measure',
      'Tessera',
      ...(theirs === undefined ? [] : ['baseline (TESSERA_BENCH_BASELINE), alternated']),
      ...(withFloors
        ? ['floor with the checks (not a peer)', 'floor: plain Yjs + SQLite + audit (not a peer)']
        : []),
      '@y/websocket-server (in memory, no acknowledgement)',
    ],
    mine.map(([measure, value], index) => [
      measure!,
      value!,
      ...(theirs === undefined ? [] : [theirs[index]![1]!]),
      ...floorRows.map((floor) => floor[index]![1]!),
      index === 1 ? referenceMicros.toFixed(1) : '',
    ]),
  )
}, 1_800_000)
