// The durable path's SQLite work alone (no sockets, no Yjs): turns of 100 tables, each appending
// one log entry and one audit record on the server's shared connection, with SQLite's own
// checkpoints (inside the commit that crosses walCheckpointPages, as the server runs) against none at
// all (the WAL only grows: what the commits cost without checkpoints, a bound no setting beats),
// alternated in one run. Each turn's time is how long the event loop waits for its commit.
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { createSqliteAuditLogOn } from '../../server/adapters/sqlite-audit-log.js'
import { openSqlite } from '../../server/adapters/sqlite-database.js'
import { createSqliteStoreOn } from '../../server/adapters/sqlite-store.js'
import { tempDir } from '../helpers/temp-dir.js'
import { percentile, report } from './report.js'

const turns = Number(process.env.TESSERA_BENCH_TURNS || 1000)
const tables = 100
const rounds = 2

async function run(dir: string, hasCheckpoints: boolean) {
  const path = join(dir, `turns-${Math.random().toString(36).slice(2)}.db`)
  const database = openSqlite({ path, synchronous: 'normal', schema: '' })
  if (!hasCheckpoints) database.db.pragma('wal_autocheckpoint = 0')
  const store = createSqliteStoreOn(database, { path })
  const audit = createSqliteAuditLogOn(database)
  const update = new Uint8Array(40).fill(7)
  const times: number[] = []
  const cpu = process.cpuUsage()
  const start = performance.now()
  for (let turn = 0; turn < turns; turn++) {
    const begun = performance.now()
    const written: Promise<unknown>[] = []
    for (let table = 0; table < tables; table++) {
      const name = `table-${table}`
      const atMs = Date.now()
      written.push(store.append(name, [{ update, atMs, author: 'u' }]))
      const rowId = `row-${turn % 50}`
      const record = {
        table: name,
        rowId,
        action: 'update' as const,
        columns: ['a'],
        userId: 'u',
        atMs,
      }
      written.push(audit.append([record]))
    }
    await Promise.all(written)
    times.push(performance.now() - begun)
  }
  const seconds = (performance.now() - start) / 1000
  const used = process.cpuUsage(cpu)
  expect((await store.load('table-0')).updates).toHaveLength(turns)
  await database.close()
  return { seconds, times, cpuSeconds: (used.user + used.system) / 1e6 }
}

it('SQLite turns of 100 tables: checkpoints in the commit against none', async () => {
  const dir = tempDir()
  const results: Record<'sqlite' | 'none', Awaited<ReturnType<typeof run>>[]> = {
    sqlite: [],
    none: [],
  }
  for (let round = 0; round < rounds; round++) {
    results.sqlite.push(await run(dir, true))
    results.none.push(await run(dir, false))
  }
  const cell = (runs: Awaited<ReturnType<typeof run>>[], figure: (r: (typeof runs)[0]) => string) =>
    runs.map(figure).join('; ')
  const rows = (name: string, figure: (r: Awaited<ReturnType<typeof run>>) => string) => [
    name,
    cell(results.sqlite, figure),
    cell(results.none, figure),
  ]
  report(
    'sqlite-turns',
    `${turns.toLocaleString('en')} turns of ${tables} tables (one log entry and one audit record each), synchronous=normal`,
    ['measure', 'checkpoints in the commit (SQLite default, the server)', 'no checkpoints (bound)'],
    [
      rows('wall time (s)', (r) => r.seconds.toFixed(1)),
      rows('CPU of the process, all threads (s)', (r) => r.cpuSeconds.toFixed(1)),
      rows('turn p50 / p99 / max (ms)', (r) =>
        [50, 99, 100].map((p) => percentile(r.times, p).toFixed(1)).join(' / '),
      ),
    ],
  )
}, 1_800_000)
