import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { createTable, isTesseraError } from '../../src/index.js'
import { applyChecked, allowEverything } from '../../src/internal.js'
import { createAuditLog } from '../../server/access/audit-log.js'
import { accessFor, parseRules } from '../../server/access/rules.js'
import { createTokenVerifier } from '../../server/access/tokens.js'

const secret = 'a test secret that is long enough for HS256 signing'

const failure = async (run: () => Promise<unknown>) => {
  try {
    await run()
  } catch (error) {
    return isTesseraError(error) ? `${error.code}: ${error.message}` : String(error)
  }
  return 'no error'
}

describe('tokens', () => {
  const verifier = createTokenVerifier({ secret })

  it('verifies a signed token into a user with roles', async () => {
    const token = await verifier.sign(
      { id: 'u1', name: 'Ann', roles: ['editor'] },
      { expiresInSeconds: 60 },
    )
    const user = await verifier.verify(token)
    expect(user).toMatchObject({ id: 'u1', name: 'Ann', roles: ['editor'] })
    expect(user.expiresAtMs).toBeGreaterThan(Date.now())
  })

  it('refuses expired, foreign, malformed and missing tokens with UNAUTHORIZED and the reason', async () => {
    const expired = await verifier.sign({ id: 'u1' }, { expiresInSeconds: -10 })
    const foreign = await createTokenVerifier({ secret: `${secret} but another one` }).sign({
      id: 'u1',
    })
    expect(await failure(() => verifier.verify(expired))).toMatch(
      /^UNAUTHORIZED: the token has expired/,
    )
    expect(await failure(() => verifier.verify(foreign))).toMatch(
      /^UNAUTHORIZED: the token signature is invalid/,
    )
    expect(await failure(() => verifier.verify('not.a.jwt'))).toMatch(
      /^UNAUTHORIZED: the token is malformed/,
    )
    expect(await failure(() => verifier.verify(''))).toMatch(/^UNAUTHORIZED: a token is required/)
  })

  it('refuses a short secret at start', () => {
    expect(() => createTokenVerifier({ secret: 'short' })).toThrow(/at least 32 bytes/)
  })
})

describe('rules', () => {
  const rules = parseRules({
    todos: { read: ['public'], write: ['editor'], delete: ['admin'], admin: ['admin'] },
    '*': { read: ['authenticated'], write: ['writer'] },
  })
  const user = (...roles: string[]) => ({ id: 'u', name: 'u', roles, expiresAtMs: undefined })

  it('gives each role what its table rule allows, with "*" for the other tables', () => {
    expect(accessFor(rules, 'todos', null, true)).toMatchObject({
      canRead: true,
      canUpdateRows: false,
      canAdminister: false,
    })
    expect(accessFor(rules, 'todos', user('editor'), true)).toMatchObject({
      canRead: true,
      canInsertRows: true,
      canUpdateRows: true,
      canDeleteRows: false,
      canChangeSchema: false,
    })
    expect(accessFor(rules, 'todos', user('admin'), true)).toMatchObject({
      canDeleteRows: true,
      canAdminister: true,
    })
    expect(accessFor(rules, 'notes', null, true).canRead).toBe(false)
    expect(accessFor(rules, 'notes', user(), true)).toMatchObject({
      canRead: true,
      canUpdateRows: false,
    })
    expect(accessFor(rules, 'notes', user('writer'), true).canUpdateRows).toBe(true)
  })

  it('defaults to authenticated read/write and admin schema when auth is on, everything when off', () => {
    expect(accessFor({}, 't', null, true).canRead).toBe(false)
    expect(accessFor({}, 't', user(), true)).toMatchObject({
      canRead: true,
      canInsertRows: true,
      canChangeSchema: false,
    })
    expect(accessFor({}, 't', null, false)).toMatchObject({ canRead: true, canAdminister: true })
  })

  it('refuses a malformed rules section naming the path', () => {
    expect(() => parseRules({ todos: { raed: ['public'] } })).toThrow(
      'config rules.todos.raed: unknown operation',
    )
    expect(() => parseRules({ todos: { read: 'public' } })).toThrow(
      /rules.todos.read: expected a list of role names/,
    )
    expect(() => parseRules([])).toThrow(/expected an object/)
  })
})

describe('audit log', () => {
  it('keeps a row history across users and prunes by retention', () => {
    const db = new Database(join(mkdtempSync(join(tmpdir(), 'tessera-audit-')), 'audit.db'))
    const log = createAuditLog(db, { retentionMs: 1000 })
    const server = createTable({ columns: [{ name: 'title', type: 'string' }] })
    const apply = (userId: string, edit: (doc: Y.Doc) => void, atMs: number) => {
      const client = new Y.Doc()
      Y.applyUpdate(client, Y.encodeStateAsUpdate(server.doc))
      const vector = Y.encodeStateVector(client)
      edit(client)
      log.record(
        'todos',
        userId,
        applyChecked(server.doc, Y.encodeStateAsUpdate(client, vector), userId, allowEverything),
        atMs,
      )
    }
    apply('ann', (doc) => createTable({ doc }).insertRow({ title: 'a' }, { id: 'r1' }), 1000)
    apply('bob', (doc) => createTable({ doc }).setCell('r1', 'title', 'b'), 2000)
    apply('ann', (doc) => createTable({ doc }).deleteRow('r1'), 3000)
    expect(
      log
        .history('todos', 'r1')
        .map(({ action, userId, columns, atMs }) => ({ action, userId, columns, atMs })),
    ).toEqual([
      { action: 'insert', userId: 'ann', columns: [], atMs: 1000 },
      { action: 'update', userId: 'bob', columns: ['title'], atMs: 2000 },
      { action: 'delete', userId: 'ann', columns: [], atMs: 3000 },
    ])
    expect(log.prune(3500)).toBe(2)
    expect(log.history('todos', 'r1')).toHaveLength(1)
    db.close()
  })
})
