// CSV in and out of a real server over SQLite: importing and exporting 100,000 rows, beside a
// JSON bulk insert and a JSON rows page of the same rows in the same run.
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { createServer } from '../../server/index.js'
import { tempDir } from '../helpers/temp-dir.js'
import { report } from './report.js'

const csvRows = Number(process.env.TESSERA_BENCH_CSV_ROWS || 100_000)
const seconds = (ms: number): string => (ms / 1000).toFixed(2)
const columns = [
  { name: 'title', type: 'string' },
  { name: 'amount', type: 'number' },
  { name: 'done', type: 'boolean' },
  { name: 'due', type: 'date' },
  { name: 'note', type: 'string' },
]

const startServer = (dbPath: string) =>
  createServer({ host: '127.0.0.1', port: 0, dbPath, staticDir: false, maxImportBytes: 1 << 30 })

const timed = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
  const start = performance.now()
  const result = await run()
  return [result, performance.now() - start]
}

it('CSV: import and export 100,000 rows', async () => {
  const server = await startServer(join(tempDir(), 'csv.db'))
  const url = server.url!
  for (const name of ['csv', 'json']) {
    await fetch(`${url}/tables`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, columns }),
    })
  }
  const rows = Array.from({ length: csvRows }, (_, n) => ({
    title: `row ${n}, "quoted"`,
    amount: n * 1.5,
    done: n % 3 === 0,
    due: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
    note: n % 10 === 0 ? '' : `note ${n}`,
  }))
  const csv =
    'title,amount,done,due,note\r\n' +
    rows
      .map(
        (row) =>
          `"${row.title.replaceAll('"', '""')}",${row.amount},${row.done},${row.due},${row.note}`,
      )
      .join('\r\n')
  const [imported, importMs] = await timed(async () => {
    const response = await fetch(`${url}/tables/csv/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    })
    return (await response.json()) as { inserted: number }
  })
  expect(imported.inserted).toBe(csvRows)
  const [inserted, jsonMs] = await timed(async () => {
    const response = await fetch(`${url}/tables/json/rows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(rows),
    })
    return (await response.json()) as { rows: unknown[] }
  })
  expect(inserted.rows).toHaveLength(csvRows)
  const [exported, exportMs] = await timed(async () =>
    (await fetch(`${url}/tables/csv/export.csv`)).text(),
  )
  expect(exported.split('\r\n')).toHaveLength(csvRows + 2)
  const [page, pageMs] = await timed(async () =>
    (await fetch(`${url}/tables/json/rows?limit=${csvRows}`)).json(),
  )
  expect((page as { rows: unknown[] }).rows).toHaveLength(csvRows)
  await server.close()
  report(
    'history-csv',
    `CSV, ${csvRows.toLocaleString('en')} rows × 5 columns`,
    ['measure', 'time (s)', 'size (MB)', 'beside it, same run (s)'],
    [
      [
        'import (POST text/csv, one transaction, stored)',
        seconds(importMs),
        (csv.length / 1e6).toFixed(1),
        `JSON bulk insert ${seconds(jsonMs)}`,
      ],
      [
        'export (GET export.csv, streamed)',
        seconds(exportMs),
        (exported.length / 1e6).toFixed(1),
        `JSON rows page ${seconds(pageMs)}`,
      ],
    ],
  )
}, 600_000)
