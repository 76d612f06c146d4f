// Moving from the embedded default to PostgreSQL and back: every table of a SQLite file, copied,
// with the audit log and the revoked tokens of the same database (S211) and what deletions left
// (S250).
import { join } from 'node:path'
import { expect, it, onTestFinished } from 'vitest'
import * as Y from 'yjs'
import { createTokenVerifier } from '../../server/access/tokens.js'
import {
  createPostgresStore,
  createServer,
  createSqliteStore,
  copyStore,
  type CreateServerOptions,
} from '../../server/index.js'
import { applySnapshot, isTesseraError } from '../../src/index.js'
import { call, testSecret } from '../helpers/auth.js'
import { describeWithServices, freshPostgresUrl } from '../helpers/services.js'
import { tempDir } from '../helpers/temp-dir.js'
import { runCopyDeletionsContract } from '../server/copy-deletions-contract.js'

const verifier = createTokenVerifier({ secret: testSecret })
const auth = {
  auth: { secret: testSecret },
  rules: { '*': { read: ['authenticated'], write: ['editor'], admin: ['admin'] } },
}

/** A server on `storage` (a SQLite file or a PostgreSQL URL) with auth, for one step of a test. */
const serve = async (storage: CreateServerOptions) => {
  const server = await createServer({
    host: '127.0.0.1',
    port: 0,
    staticDir: false,
    ...auth,
    ...storage,
  })
  return Object.assign(server, { url: server.url! })
}

/** What a server says of row `r1`'s audit and of a revoked token, through its REST API. */
const observe = async (storage: CreateServerOptions, admin: string, revoked: string) => {
  const server = await serve(storage)
  try {
    const audit = await call(server, 'GET', '/tables/todos/rows/r1/audit', { token: admin })
    const refused = await call(server, 'GET', '/tables/todos', { token: revoked })
    return {
      audit: (audit.body as { entries: { action: string; userId: string }[] }).entries.map(
        (entry) => [entry.action, entry.userId],
      ),
      revokedStatus: refused.status,
    }
  } finally {
    await server.close()
  }
}

describeWithServices('copyStore', () => {
  it('copies every table of a SQLite file into PostgreSQL with its history, and refuses a second copy', async () => {
    const from = createSqliteStore({ path: join(tempDir(), 'tessera.db') })
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => updates.push(update))
    for (let index = 0; index < 5; index++) doc.getMap('m').set(`k${index}`, index)
    const entries = updates.map((update, index) => ({
      update,
      atMs: 1000 + index,
      author: index % 2 === 0 ? 'ann' : null,
    }))
    await from.append('a', entries.slice(0, 3))
    await from.compact('a', Y.mergeUpdates(updates.slice(0, 3)), 3, { atMs: 1002 })
    await from.append('a', entries.slice(3))
    await from.append('b', [entries[0]!])
    const to = await createPostgresStore({ url: await freshPostgresUrl() })
    try {
      expect(await copyStore(from, to)).toEqual(['a', 'b'])
      const copy = new Y.Doc()
      const stored = await to.load('a')
      if (stored.snapshot !== undefined) applySnapshot(copy, stored.snapshot)
      for (const update of stored.updates) Y.applyUpdate(copy, update)
      expect(copy.getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON())
      // The history comes along: every entry with its number, time and author.
      expect(await to.readLog('a', 0, 10)).toEqual(await from.readLog('a', 0, 10))
      const again: unknown = await copyStore(from, to).catch((error: unknown) => error)
      expect(isTesseraError(again, 'INVALID_ARGUMENT')).toBe(true)
    } finally {
      await from.close()
      await to.close()
    }
  })

  it('S211: the audit log and the revoked tokens go along, SQLite to PostgreSQL and back', async () => {
    const dbPath = join(tempDir(), 'tessera.db')
    const admin = await verifier.sign({ id: 'ada', roles: ['admin'] }, { expiresInSeconds: 600 })
    const will = await verifier.sign({ id: 'will', roles: ['editor'] }, { expiresInSeconds: 600 })
    const single = await serve({ dbPath })
    try {
      const body = { name: 'todos', columns: [{ name: 'title', type: 'string' }] }
      expect((await call(single, 'POST', '/tables', { token: admin, body })).status).toBe(201)
      const row = { id: 'r1', title: 'a' }
      expect(
        (await call(single, 'POST', '/tables/todos/rows', { token: will, body: row })).status,
      ).toBe(201)
      await call(single, 'PATCH', '/tables/todos/rows/r1', { token: admin, body: { title: 'b' } })
      const revoked = await call(single, 'POST', '/auth/revocations', {
        token: will,
        body: { sub: 'will' },
      })
      expect(revoked.status).toBe(201)
    } finally {
      await single.close()
    }
    const before = await observe({ dbPath }, admin, will)
    expect(before).toEqual({
      audit: [
        ['insert', 'will'],
        ['update', 'ada'],
      ],
      revokedStatus: 401,
    })

    const postgresUrl = await freshPostgresUrl()
    const from = createSqliteStore({ path: dbPath })
    const to = await createPostgresStore({ url: postgresUrl })
    try {
      expect(await copyStore(from, to)).toEqual(['todos'])
    } finally {
      await from.close()
      await to.close()
    }
    expect(await observe({ postgresUrl }, admin, will)).toEqual(before)

    const backPath = join(tempDir(), 'back.db')
    const fromPostgres = await createPostgresStore({ url: postgresUrl })
    const back = createSqliteStore({ path: backPath })
    try {
      expect(await copyStore(fromPostgres, back)).toEqual(['todos'])
    } finally {
      await fromPostgres.close()
      await back.close()
    }
    expect(await observe({ dbPath: backPath }, admin, will)).toEqual(before)
  })

  it('S211: a target whose audit log holds records is refused before anything is copied', async () => {
    const from = createSqliteStore({ path: join(tempDir(), 'tessera.db') })
    await from.append('a', [{ update: new Uint8Array([0, 0]), atMs: 1, author: null }])
    const postgresUrl = await freshPostgresUrl()
    // A node ran on the target already and recorded a change there.
    const node = await serve({ postgresUrl })
    const admin = await verifier.sign({ id: 'ada', roles: ['admin'] }, { expiresInSeconds: 600 })
    const body = { name: 'other', columns: [{ name: 'title', type: 'string' }] }
    await call(node, 'POST', '/tables', { token: admin, body })
    await call(node, 'POST', '/tables/other/rows', { token: admin, body: { title: 'x' } })
    await node.close()
    const to = await createPostgresStore({ url: postgresUrl })
    try {
      const error: unknown = await copyStore(from, to).catch((caught: unknown) => caught)
      expect(isTesseraError(error, 'INVALID_ARGUMENT')).toBe(true)
      expect(String(error)).toContain('audit log of PostgreSQL holds records already')
      expect(await to.list()).toEqual(['other'])
    } finally {
      await from.close()
      await to.close()
    }
  })
})

describeWithServices('copyStore and deletions', () => {
  const sqlite = () => {
    const store = createSqliteStore({ path: join(tempDir(), 'tessera.db') })
    onTestFinished(() => store.close())
    return store
  }
  const postgres = async () => {
    const store = await createPostgresStore({ url: await freshPostgresUrl() })
    onTestFinished(() => store.close())
    return store
  }
  runCopyDeletionsContract('SQLite to PostgreSQL', async () => ({
    from: sqlite(),
    to: await postgres(),
  }))
  runCopyDeletionsContract('PostgreSQL to SQLite', async () => ({
    from: await postgres(),
    to: sqlite(),
  }))
})
