// A table's past on a real server over SQLite: answering `?at=` on a table with 100,000 updates of
// history (beside replaying the whole log and decoding the newest snapshot), and the storage the
// retention costs per 1,000 updates.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import * as Y from 'yjs'
import { expect, it } from 'vitest'
import { applySnapshot, createTable, type Store } from '../../src/index.js'
import { loadDocAt } from '../../src/internal.js'
import { createServer, createSqliteStore } from '../../server/index.js'
import { compactWithHistory } from '../../server/room-history.js'
import { tempDir } from '../helpers/temp-dir.js'
import { median, report, time } from './report.js'

const historyUpdates = Number(process.env.TESSERA_BENCH_HISTORY_UPDATES || 100_000)
const tableRows = Number(process.env.TESSERA_BENCH_HISTORY_ROWS || 1000)

const timed = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
  const start = performance.now()
  const result = await run()
  return [result, performance.now() - start]
}

/** Writes `updates` cell edits as the room would: one log entry each, compacted every 1,000. */
async function writeHistory(store: Store, retentionMs: number, startMs: number) {
  const doc = new Y.Doc()
  const table = createTable({
    doc,
    columns: [
      { name: 'title', type: 'string' },
      { name: 'n', type: 'number' },
    ],
  })
  const ids = table.insertRows(
    Array.from({ length: tableRows }, (_, n) => ({ title: `row ${n}`, n })),
  )
  let pending = [Y.encodeStateAsUpdate(doc)]
  doc.on('update', (update: Uint8Array) => pending.push(update))
  let seq = 0
  let sinceCompaction = 0
  for (let n = 0; n < historyUpdates; n++) {
    table.setCell(ids[n % tableRows]!, 'n', n)
    const atMs = startMs + n
    seq = await store.append(
      't',
      pending.map((update) => ({ update, atMs, author: 'bench' })),
    )
    sinceCompaction += pending.reduce((sum, update) => sum + update.byteLength, 0)
    pending = []
    if (seq % 1000 === 0) {
      const state = { state: Y.encodeStateAsUpdate(doc), seq, atMs }
      await compactWithHistory(store, 't', state, {
        logBytesSinceNewest: sinceCompaction,
        retentionMs,
        nowMs: atMs,
      })
      sinceCompaction = 0
    }
  }
  return { doc, lastMs: startMs + historyUpdates - 1 }
}

const storedBytes = (path: string) => {
  const db = new Database(path, { readonly: true })
  const log = db
    .prepare('SELECT count(*) AS n, coalesce(sum(length(data)), 0) AS bytes FROM updates')
    .get() as { n: number; bytes: number }
  const snapshots = db
    .prepare('SELECT count(*) AS n, coalesce(sum(length(data)), 0) AS bytes FROM snapshots')
    .get() as { n: number; bytes: number }
  db.close()
  return { log, snapshots, total: log.bytes + snapshots.bytes }
}

it('history: answering ?at= over 100,000 updates, and the storage of the retention', async () => {
  const dir = tempDir()
  const startMs = Date.UTC(2026, 11, 1)
  const kept = createSqliteStore({ path: join(dir, 'kept.db'), synchronous: 'normal' })
  const { doc, lastMs } = await writeHistory(kept, 30 * 24 * 3600 * 1000, startMs)
  await kept.close()
  const none = createSqliteStore({ path: join(dir, 'none.db'), synchronous: 'normal' })
  await writeHistory(none, 0, startMs)
  await none.close()
  const withHistory = storedBytes(join(dir, 'kept.db'))
  const without = storedBytes(join(dir, 'none.db'))
  const perThousand = (withHistory.total - without.total) / (historyUpdates / 1000)

  const server = await createServer({
    host: '127.0.0.1',
    port: 0,
    dbPath: join(dir, 'kept.db'),
    staticDir: false,
  })
  const answer = async (atMs: number) => {
    const samples: number[] = []
    for (let run = 0; run < 5; run++) {
      const [body, ms] = await timed(async () =>
        (
          await fetch(`${server.url!}/tables/t/rows?at=${new Date(atMs).toISOString()}&limit=1`)
        ).json(),
      )
      expect((body as { total: number }).total).toBe(tableRows)
      samples.push(ms)
    }
    return median(samples)
  }
  const middle = Math.floor(historyUpdates / 2) + 499
  const times: [string, number][] = [
    ['the first update', startMs],
    [`update ${middle.toLocaleString('en')} (between checkpoints)`, startMs + middle],
    ['the last update', lastMs],
  ]
  const answers: [string, string][] = []
  for (const [label, atMs] of times) answers.push([label, (await answer(atMs)).toFixed(0)])
  await server.close()
  const store = createSqliteStore({ path: join(dir, 'kept.db'), readonly: true })
  const log = await store.readLog('t', 0, historyUpdates + 10)
  const replayMs = time(() => {
    const replica = new Y.Doc()
    replica.transact(() => {
      for (const entry of log) Y.applyUpdate(replica, entry.update)
    })
  })
  const newest = (await store.snapshots('t')).at(-1)!
  const newestBytes = (await store.readSnapshot('t', newest.seq))!
  const decodeMs = median(
    Array.from({ length: 5 }, () =>
      time(() => {
        applySnapshot(new Y.Doc(), newestBytes)
      }),
    ),
  )
  const nearest = await loadDocAt(store, 't', lastMs)
  expect(createTable({ doc: nearest.doc }).toJSON()).toEqual(createTable({ doc }).toJSON())
  await store.close()
  report(
    'history-at',
    `History: ${historyUpdates.toLocaleString('en')} cell updates of a ${tableRows.toLocaleString('en')}-row table, compacted every 1,000`,
    ['measure', 'value'],
    [
      ...answers.map(([label, ms]) => [`GET /rows?at= ${label} (median of 5, ms)`, ms]),
      ['replaying the whole log in one transaction, for comparison (ms)', replayMs.toFixed(0)],
      [
        `decoding the newest snapshot alone (${(newestBytes.byteLength / 1e6).toFixed(2)} MB; what loading the table costs), median of 5 (ms)`,
        decodeMs.toFixed(0),
      ],
      [
        'log entries / snapshots kept, 30-day retention',
        `${withHistory.log.n} / ${withHistory.snapshots.n}`,
      ],
      [
        'stored bytes, 30-day retention (log + snapshots)',
        `${(withHistory.log.bytes / 1e6).toFixed(2)} MB + ${(withHistory.snapshots.bytes / 1e6).toFixed(2)} MB`,
      ],
      ['stored bytes, retention 0', `${(without.total / 1e6).toFixed(2)} MB`],
      ['storage cost of the retention per 1,000 updates', `${(perThousand / 1024).toFixed(1)} KiB`],
    ],
  )
}, 1_800_000)
