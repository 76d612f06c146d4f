// A probe loaded into a benchmark's server (`node --import <bundle>`, TESSERA_BENCH_STALLS): it
// writes what held the event loop to TESSERA_STALL_FILE as JSON lines, for stall-report.ts. It
// knows the server only from outside: better-sqlite3's transactions (and whether SQLite
// checkpointed inside one, read from the WAL index), Brotli, GC, and a 1 ms heartbeat's gaps.
import { appendFileSync, closeSync, openSync, readSync } from 'node:fs'
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { PerformanceObserver } from 'node:perf_hooks'
import type * as zlibTypes from 'node:zlib'
import Database from 'better-sqlite3'

/**
 * One thing that held the loop: its kind, start (epoch ms), duration (ms); a transaction's
 * checkpointed frames; a gap's CPU ms (the process's, all threads: less than its duration when
 * the process waited for a core).
 */
export interface StallEvent {
  k: string
  s: number
  d: number
  f?: number
  c?: number
}

const file = process.env.TESSERA_STALL_FILE
const events: StallEvent[] = []
const epoch = (now: number): number => performance.timeOrigin + now
const flush = (): void => {
  if (file === undefined || events.length === 0) return
  appendFileSync(
    file,
    events
      .splice(0)
      .map((event) => JSON.stringify(event))
      .join('\n') + '\n',
  )
}
setInterval(flush, 200).unref()
process.on('exit', flush)

// Gaps between 1 ms beats longer than 4 ms: the long turns.
let lastBeat = performance.now()
let lastCpu = process.cpuUsage()
setInterval(() => {
  const now = performance.now()
  const cpu = process.cpuUsage()
  if (now - lastBeat > 4) {
    const c = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000
    events.push({ k: 'gap', s: epoch(lastBeat), d: now - lastBeat, c })
  }
  lastBeat = now
  lastCpu = cpu
}, 1).unref()

new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    if (entry.duration > 0.5) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind
      events.push({
        k: kind === 1 ? 'gc' : 'gc major',
        s: epoch(entry.startTime),
        d: entry.duration,
      })
    }
}).observe({ entryTypes: ['gc'] })

// The builtin's CommonJS object: what ESM namespaces are synced from.
const zlib = createRequire(import.meta.url)('node:zlib') as typeof zlibTypes
const compress = zlib.brotliCompressSync
const timedCompress: typeof compress = (...args) => {
  const start = performance.now()
  try {
    return compress(...args)
  } finally {
    events.push({ k: 'brotli', s: epoch(start), d: performance.now() - start })
  }
}
zlib.brotliCompressSync = timedCompress
syncBuiltinESMExports()

/** The WAL index's frames backfilled (checkpointed) and its newest frame, or undefined. */
const shmFds = new Map<string, number>()
const shmHeader = Buffer.alloc(104)
function walIndex(db: Database.Database): { backfilled: number; frames: number } | undefined {
  if (db.memory || !db.open) return undefined
  let fd = shmFds.get(db.name)
  try {
    if (fd === undefined) shmFds.set(db.name, (fd = openSync(`${db.name}-shm`, 'r')))
    if (readSync(fd, shmHeader, 0, 104, 0) < 104) return undefined
  } catch {
    if (fd !== undefined) closeSync(fd)
    shmFds.delete(db.name)
    return undefined
  }
  // WalIndexHdr.mxFrame at 16, WalCkptInfo.nBackfill at 96 (sqlite's wal.c), native order.
  return { backfilled: shmHeader.readUInt32LE(96), frames: shmHeader.readUInt32LE(16) }
}

/** Who made a transaction function: the first server frame of the stack at its creation. */
const creator = (stack: string | undefined): string => {
  for (const line of (stack ?? '').split('\n').slice(2)) {
    const name = /at (?:async )?([\w$.]+) \(/.exec(line)?.[1]
    if (name !== undefined && !line.includes('better-sqlite3')) return name
  }
  return 'unknown'
}

type TransactionFn = ((...args: unknown[]) => unknown) & Record<string, unknown>
type MakeTransaction = (this: Database.Database, body: unknown) => TransactionFn
const prototype = Database.prototype as unknown as { transaction: MakeTransaction }
const transaction = prototype.transaction
let depth = 0
prototype.transaction = function (this: Database.Database, body: unknown) {
  const made = transaction.call(this, body)
  const kind = `tx:${creator(new Error().stack)}`
  return timedTransaction(this, made, kind)
}

/** `made`, and its deferred, immediate and exclusive forms, timed as `kind`. */
function timedTransaction(db: Database.Database, made: TransactionFn, kind: string) {
  const timed =
    (call: (...args: unknown[]) => unknown) =>
    (...args: unknown[]): unknown => {
      if (depth > 0) return call(...args)
      const before = walIndex(db)
      const start = performance.now()
      depth++
      try {
        return call(...args)
      } finally {
        depth--
        const after = walIndex(db)
        const event: StallEvent = { k: kind, s: epoch(start), d: performance.now() - start }
        // A checkpoint raises nBackfill; a WAL restarted by this transaction first zeroes it.
        if (before !== undefined && after !== undefined && after.backfilled > 0) {
          const from = after.frames < before.frames ? 0 : before.backfilled
          if (after.backfilled > from) event.f = after.backfilled - from
        }
        if (event.d > 0.5 || event.f !== undefined) events.push(event)
      }
    }
  const wrapped = timed(made) as TransactionFn
  for (const variant of ['deferred', 'immediate', 'exclusive'])
    wrapped[variant] = timed(made[variant] as (...args: unknown[]) => unknown)
  wrapped.default = wrapped
  return wrapped
}
