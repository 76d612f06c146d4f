// Every earlier format still opens (test/fixtures/README.md): each fixture's encoded document and
// database are read by today's code, and that version's client works beside today's on one table.
import { copyFileSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import Database from 'better-sqlite3'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { createTable, type Table } from '../../src/index.js'
import { formatVersion } from '../../src/layout.js'
import { storeLayoutVersion } from '../../server/adapters/sqlite-layout.js'
import { call } from '../helpers/auth.js'
import { connectSdk } from '../helpers/history.js'
import { startServer } from '../helpers/start-server.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitFor } from '../helpers/wait-for.js'

const formats = join(import.meta.dirname, '..', 'fixtures', 'formats')
const fixtures = readdirSync(formats).sort()

interface Expected {
  columns: unknown[]
  rows: { id: string }[]
}

/** The client SDK of the version that wrote a fixture (bundled with it). */
interface OldClient {
  connectTable(options: Record<string, unknown>): {
    table: Table
    whenSynced(): Promise<void>
    close(): Promise<void> | void
  }
}

const read = (fixture: string, file: string) => readFileSync(join(formats, fixture, file))
const expectedOf = (fixture: string) =>
  JSON.parse(read(fixture, 'expected.json').toString()) as Expected

/** A copy of a fixture's database in a temp folder (the fixture itself stays untouched). */
const copyDatabase = (fixture: string): string => {
  const path = join(tempDir(), 'tessera.db')
  copyFileSync(join(formats, fixture, 'tessera.db'), path)
  return path
}

it("keeps a fixture of every data format and every storage layout, today's included", () => {
  for (let format = 1; format <= formatVersion; format++)
    expect(fixtures.some((name) => name.startsWith(`format-${format}-`))).toBe(true)
  for (let layout = 1; layout <= storeLayoutVersion; layout++)
    expect(fixtures.some((name) => name.endsWith(`-layout-${layout}`))).toBe(true)
  expect(fixtures).toContain('format-1-layout-2')
  expect(fixtures).toContain(`format-${formatVersion}-layout-${storeLayoutVersion}`)
})

describe.each(fixtures)('fixture %s', (fixture) => {
  it('S114: its encoded document opens with the code of today as it was written', () => {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, new Uint8Array(read(fixture, 'document.update')))
    const table = createTable({ doc })
    expect({ columns: table.columns(), rows: table.listRows() }).toEqual(expectedOf(fixture))
    expect(table.removedColumns().map((column) => column.name)).toEqual(['note'])
  })

  it('S114: its database is opened (and upgraded) by the server of today, which serves the same rows and keeps history on', async () => {
    const dbPath = copyDatabase(fixture)
    const server = await startServer({ dbPath })
    const rows = await call(server, 'GET', '/tables/fixture/rows')
    expect(rows.body.rows).toEqual(expectedOf(fixture).rows)
    const patched = await call(server, 'PATCH', '/tables/fixture/rows/r2', { body: { amount: 7 } })
    expect(patched.status).toBe(200)
    const history = await call(server, 'GET', '/tables/fixture/rows/r2/history')
    expect(history.body.entries.at(-1)).toMatchObject({ action: 'update', cells: { amount: 7 } })
    await server.close()
    const db = new Database(dbPath, { readonly: true })
    onTestFinished(() => {
      db.close()
    })
    expect(db.pragma('user_version', { simple: true })).toBe(storeLayoutVersion)
  })

  it('S114: its client and the client of today work side by side on one table, through a migration', async () => {
    const server = await startServer({ dbPath: copyDatabase(fixture) })
    const old = (await import(join(formats, fixture, 'client.mjs'))) as OldClient
    const then = old.connectTable({ url: server.wsUrl, table: 'fixture', WebSocket })
    onTestFinished(() => then.close())
    const now = connectSdk(server, { table: 'fixture' })
    await Promise.all([then.whenSynced(), now.whenSynced()])
    then.table.setCell('r1', 'amount', 1)
    await waitFor(() => now.table.getCell('r1', 'amount') === 1, {
      what: "today's client to see the old one",
    })
    now.table.setCell('r2', 'done', false)
    await waitFor(() => then.table.getCell('r2', 'done') === false, {
      what: "the old client to see today's",
    })
    now.table.migrate(2, (table) => {
      table.addColumn({ id: 'priority', name: 'priority', type: 'number', default: 0 })
      table.setCell('r1', 'priority', 5)
    })
    now.table.restoreColumn('note')
    await waitFor(() => then.table.getRow('r1')?.priority === 5, {
      what: 'the old client to see the migration',
    })
    expect(then.table.getRow('r2')).toMatchObject({ note: 'hidden later', done: false })
    then.table.insertRow({ name: 'from the old client', priority: 2 }, { id: 'r9' })
    await waitFor(() => now.table.getRow('r9')?.priority === 2, {
      what: "today's client to see the old one's row",
    })
    expect(now.table.toJSON()).toEqual(then.table.toJSON())
  })
})
