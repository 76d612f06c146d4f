// The access matrix: every kind of token against every operation, over WebSocket and REST, on a
// real server with rules. After every refused write, SQLite and every other client are unchanged.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTable, type Table } from '../../src/index.js'
import { CloseCode } from '../../src/internal.js'
import { createServer, type Server } from '../../server/index.js'
import { call, matrixTokens, storedState, testSecret } from '../helpers/auth.js'
import type { TestServer } from '../helpers/start-server.js'
import { connectClient } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

type TokenName = 'none' | 'expired' | 'badSignature' | 'reader' | 'writer' | 'admin' | 'otherTable'
type Operation = 'read' | 'writeCell' | 'insert' | 'delete' | 'changeSchema'
const operations: Operation[] = ['read', 'writeCell', 'insert', 'delete', 'changeSchema']

/** WebSocket: the close code of the connection, or what each operation gets. */
const overWebSocket: Record<TokenName, number | Record<Operation, 'ok' | 'FORBIDDEN'>> = {
  none: CloseCode.Unauthorized,
  expired: CloseCode.Unauthorized,
  badSignature: CloseCode.Unauthorized,
  otherTable: CloseCode.Forbidden,
  reader: {
    read: 'ok',
    writeCell: 'FORBIDDEN',
    insert: 'FORBIDDEN',
    delete: 'FORBIDDEN',
    changeSchema: 'FORBIDDEN',
  },
  writer: { read: 'ok', writeCell: 'ok', insert: 'ok', delete: 'ok', changeSchema: 'FORBIDDEN' },
  admin: { read: 'ok', writeCell: 'ok', insert: 'ok', delete: 'ok', changeSchema: 'ok' },
}

/** REST: the HTTP status of each operation (connect is GET /tables/todos). */
const overRest: Record<TokenName, Record<Operation | 'connect', number>> = {
  none: { connect: 401, read: 401, writeCell: 401, insert: 401, delete: 401, changeSchema: 401 },
  expired: { connect: 401, read: 401, writeCell: 401, insert: 401, delete: 401, changeSchema: 401 },
  badSignature: {
    connect: 401,
    read: 401,
    writeCell: 401,
    insert: 401,
    delete: 401,
    changeSchema: 401,
  },
  otherTable: {
    connect: 403,
    read: 403,
    writeCell: 403,
    insert: 403,
    delete: 403,
    changeSchema: 403,
  },
  reader: { connect: 200, read: 200, writeCell: 403, insert: 403, delete: 403, changeSchema: 403 },
  writer: { connect: 200, read: 200, writeCell: 200, insert: 201, delete: 204, changeSchema: 403 },
  admin: { connect: 200, read: 200, writeCell: 200, insert: 201, delete: 204, changeSchema: 201 },
}

let server: TestServer
let dir: string
let tokens: Record<string, string | undefined>
let next = 0

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-auth-'))
  const started: Server = await createServer({
    host: '127.0.0.1',
    port: 0,
    staticDir: false,
    dbPath: join(dir, 'tessera.db'),
    auth: { secret: testSecret },
    rules: {
      todos: { read: ['reader'], write: ['writer'], admin: ['admin'] },
      other: { read: ['other'], write: ['other'], admin: ['other'] },
    },
  })
  const url = started.url!
  server = Object.assign(Object.create(started) as Server, started, {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    dbPath: join(dir, 'tessera.db'),
  })
  tokens = await matrixTokens()
  const rows = Array.from({ length: 200 }, (_, index) => ({
    id: `r${index}`,
    title: `row ${index}`,
  }))
  const admin = { token: tokens.admin }
  const columns = [
    { name: 'title', type: 'string' },
    { name: 'n', type: 'number', default: 0 },
  ]
  expect(
    (await call(server, 'POST', '/tables', { ...admin, body: { name: 'todos', columns } })).status,
  ).toBe(201)
  expect((await call(server, 'POST', '/tables/todos/rows', { ...admin, body: rows })).status).toBe(
    201,
  )
  expect(
    (await call(server, 'POST', '/tables/todos/rows', { ...admin, body: { id: 'sentinel', n: 0 } }))
      .status,
  ).toBe(201)
})

afterAll(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

/** An admin client that watches the table, and a barrier: once it sees a later admin write, it has seen every earlier broadcast. */
const observe = async () => {
  const observer = connectClient(server.wsUrl, 'todos', { query: `token=${tokens.admin!}` })
  await observer.whenSynced()
  const table = createTable({ doc: observer.doc })
  return {
    table,
    async settle() {
      const n = (table.getCell('sentinel', 'n') as number) + 1
      const patched = await call(server, 'PATCH', '/tables/todos/rows/sentinel', {
        token: tokens.admin,
        body: { n },
      })
      expect(patched.status).toBe(200)
      await waitFor(() => table.getCell('sentinel', 'n') === n, { what: 'the barrier write' })
    },
  }
}

/** The state of the table without the barrier row (which moves on every settle). */
const withoutSentinel = (state: unknown) => {
  const json = state as { rows: { id: string }[] }
  return { ...json, rows: json.rows.filter((row) => row.id !== 'sentinel') }
}

const editOver = (table: Table, operation: Operation, n: number): void => {
  switch (operation) {
    case 'read':
      return
    case 'writeCell':
      table.setCell(`r${n}`, 'title', `edited ${n}`)
      return
    case 'insert':
      table.insertRow({ title: `new ${n}` }, { id: `new${n}` })
      return
    case 'delete':
      table.deleteRow(`r${n}`)
      return
    case 'changeSchema':
      table.addColumn({ name: `extra${n}`, type: 'string' })
      return
  }
}

/** Whether `operation` number `n` shows in a table's JSON. */
const isVisible = (state: unknown, operation: Operation, n: number): boolean => {
  const json = state as { columns: { name: string }[]; rows: Record<string, unknown>[] }
  const row = (id: string) => json.rows.find((candidate) => candidate.id === id)
  switch (operation) {
    case 'read':
      return true
    case 'writeCell':
      return row(`r${n}`)?.title === `edited ${n}`
    case 'insert':
      return row(`new${n}`) !== undefined
    case 'delete':
      return row(`r${n}`) === undefined
    case 'changeSchema':
      return json.columns.some((column) => column.name === `extra${n}`)
  }
}

describe('S50: the access matrix over WebSocket', () => {
  for (const [name, expected] of Object.entries(overWebSocket) as [
    TokenName,
    (typeof overWebSocket)[TokenName],
  ][]) {
    if (typeof expected === 'number') {
      it(`S50: a ${name} token cannot connect: ${expected}`, async () => {
        const token = tokens[name]
        const client = connectClient(server.wsUrl, 'todos', {
          query: token === undefined ? '' : `token=${token}`,
        })
        const closed = await client.whenClosed()
        expect(closed.code).toBe(expected)
        expect(closed.reason).toMatch(name === 'otherTable' ? /may not read/ : /token/)
      })
      continue
    }
    for (const operation of operations) {
      const outcome = expected[operation]
      it(`S50: a ${name} token, ${operation}: ${outcome}`, async () => {
        const n = next++
        const observer = await observe()
        const before = withoutSentinel(await storedState(server, 'todos'))
        const client = connectClient(server.wsUrl, 'todos', { query: `token=${tokens[name]!}` })
        await client.whenSynced()
        const table = createTable({ doc: client.doc })
        expect(table.getRow('r199')).toMatchObject({ title: 'row 199' })
        editOver(table, operation, n)
        await client.save()
        await observer.settle()
        const stored = await storedState(server, 'todos')
        if (outcome === 'ok') {
          expect(isVisible(stored, operation, n)).toBe(true)
          expect(isVisible(observer.table.toJSON(), operation, n)).toBe(true)
          expect(client.notices).toEqual([])
          return
        }
        expect(client.notices.map((notice) => notice.code)).toContain('FORBIDDEN')
        expect(withoutSentinel(stored)).toEqual(before)
        expect(withoutSentinel(observer.table.toJSON())).toEqual(before)
        expect(client.closed).toBeUndefined()
      })
    }
  }
})

const restCall = (operation: Operation | 'connect', n: number, token: string | undefined) => {
  const auth = { token }
  switch (operation) {
    case 'connect':
      return call(server, 'GET', '/tables/todos', auth)
    case 'read':
      return call(server, 'GET', '/tables/todos/rows?limit=5', auth)
    case 'writeCell':
      return call(server, 'PATCH', `/tables/todos/rows/r${n}`, {
        ...auth,
        body: { title: `edited ${n}` },
      })
    case 'insert':
      return call(server, 'POST', '/tables/todos/rows', {
        ...auth,
        body: { id: `new${n}`, title: 'x' },
      })
    case 'delete':
      return call(server, 'DELETE', `/tables/todos/rows/r${n}`, auth)
    case 'changeSchema':
      return call(server, 'POST', '/tables/todos/columns', {
        ...auth,
        body: { name: `extra${n}`, type: 'string' },
      })
  }
}

describe('S50: the access matrix over REST', () => {
  for (const [name, expected] of Object.entries(overRest) as [
    TokenName,
    (typeof overRest)[TokenName],
  ][]) {
    for (const operation of ['connect', ...operations] as const) {
      const status = expected[operation]
      it(`S50: a ${name} token, ${operation}: HTTP ${status}`, async () => {
        const n = next++
        const observer = await observe()
        const before = withoutSentinel(await storedState(server, 'todos'))
        const response = await restCall(operation, n, tokens[name])
        expect(response.status).toBe(status)
        await observer.settle()
        const stored = await storedState(server, 'todos')
        if (status >= 400) {
          expect(response.body.error.code).toBe(status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN')
          expect(withoutSentinel(stored)).toEqual(before)
          expect(withoutSentinel(observer.table.toJSON())).toEqual(before)
        } else if (operation !== 'connect') {
          expect(isVisible(stored, operation, n)).toBe(true)
          expect(isVisible(observer.table.toJSON(), operation, n)).toBe(true)
        }
      })
    }
  }
})
