// The server checks what an update changes, not how Yjs phrases it (docs/semantics.md S80–S87):
// each case is a raw Yjs change found to get past the checks, sent over a real socket, then
// checked on the other clients, in SQLite after a restart, and in the bytes that left the server.
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { formatVersion } from '../../src/layout.js'
import { call } from '../helpers/auth.js'
import { rewriteRawRow, writeFormatOneRows, writeRawOverride } from '../helpers/raw-cells.js'
import {
  bytesContain,
  createRightsTable,
  encodeSyncMessage,
  rightsToken,
  connectWithRights,
  startRightsServer,
  storedDoc,
  tableJson,
  type RightsName,
} from '../helpers/rights.js'
import type { TestServer } from '../helpers/start-server.js'
import { waitFor } from '../helpers/wait-for.js'

const rowOf = (doc: Y.Doc, id: string) => doc.getMap('rows').get(id) as { i: number; p: string }

/**
 * A table with two rows, an attacker with `rights` and an observer, all synced. The rows are
 * written by today's server (data format 2), or as a client of data format 1 wrote them.
 */
async function setup(rights: RightsName, format = formatVersion) {
  const server = await startRightsServer()
  const rows = [
    { id: 'r1', title: 'first', priority: 1 },
    { id: 'r2', title: 'second', priority: 2 },
  ]
  await createRightsTable(server, 'todos', format === 1 ? [] : rows)
  if (format === 1) {
    const admin = await connectWithRights(server, 'todos', 'admin')
    writeFormatOneRows(
      admin.doc,
      rows.map(({ id, ...cells }, index) => ({ id, position: `a${index}`, cells })),
    )
    await admin.save()
    admin.close()
  }
  const attacker = await connectWithRights(server, 'todos', rights)
  const observer = await connectWithRights(server, 'todos', 'read')
  return { server, attacker, observer, before: tableJson(observer.doc) }
}

/**
 * Sends what `attack` does to the attacker's doc, waits until it is durable and the observer has
 * every broadcast, then restarts the server and returns what it stored and the table JSON.
 */
async function run(
  context: Awaited<ReturnType<typeof setup>>,
  attack: (doc: Y.Doc) => void,
): Promise<{ stored: unknown; restarted: TestServer; storedBytes: Uint8Array[] }> {
  const { server, attacker, observer } = context
  attacker.doc.transact(() => {
    attack(attacker.doc)
  })
  await attacker.save()
  await observer.save()
  await server.close()
  const restarted = await startRightsServer({ dbPath: server.dbPath })
  const { doc, bytes } = await storedDoc(restarted, 'todos')
  return { stored: tableJson(doc), restarted, storedBytes: bytes }
}

/** The change was refused: nothing of it anywhere, and the attacker was told. */
function expectRefused(
  context: Awaited<ReturnType<typeof setup>>,
  result: Awaited<ReturnType<typeof run>>,
  marker?: string,
): void {
  const { attacker, observer, before } = context
  expect(attacker.notices.map((notice) => notice.code)).toContain('FORBIDDEN')
  expect(result.stored).toEqual(before)
  expect(tableJson(observer.doc)).toEqual(before)
  // The correction reached the attacker's copy too (it was echoed before the acknowledgement).
  expect(tableJson(attacker.doc)).toEqual(before)
  if (marker === undefined) return
  expect(bytesContain(observer.received, marker)).toBe(false)
  expect(bytesContain(result.storedBytes, marker)).toBe(false)
}

describe('schema and metadata without admin', () => {
  it('S83: deleting a column entry from the schema map is undone, and stays undone after a restart', async () => {
    const context = await setup('write')
    const result = await run(context, (doc) => {
      doc.getMap('columns').delete('title')
    })
    expectRefused(context, result)
  })

  it('S83: replacing a column entry with a plain value is undone', async () => {
    const context = await setup('write')
    const result = await run(context, (doc) => {
      doc.getMap('columns').set('priority', 'MARKER-COLUMN')
    })
    expectRefused(context, result, 'MARKER-COLUMN')
  })

  it('S82: setting the data-format version or the name is refused, and the table stays usable', async () => {
    const context = await setup('write')
    const result = await run(context, (doc) => {
      doc.getMap('meta').set('formatVersion', 2)
      doc.getMap('meta').set('name', 'MARKER-NAME')
    })
    expectRefused(context, result, 'MARKER-NAME')
    const rows = await call(result.restarted, 'GET', '/tables/todos/rows', {
      token: await rightsToken('read'),
    })
    expect(rows.status).toBe(200)
    expect(rows.body.total).toBe(2)
  })
})

describe('rows rewritten under their own incarnation', () => {
  for (const rights of ['insert', 'delete'] as const) {
    it(
      'S84: a writer with only ' + rights + " rights cannot rewrite an existing row's value",
      async () => {
        const context = await setup(rights)
        const result = await run(context, (doc) => {
          rewriteRawRow(doc, 'r1', { title: 'MARKER-ROW', priority: 9 }, 'zz')
        })
        expectRefused(context, result, 'MARKER-ROW')
        const history = await call(result.restarted, 'GET', '/tables/todos/rows/r1/audit', {
          token: await rightsToken('read'),
        })
        expect(history.body.entries.map((entry: { action: string }) => entry.action)).toEqual([
          'insert',
        ])
      },
    )
  }

  it('S31: an update-only rewrite is corrected to the schema, drops unknown columns for good, and is audited', async () => {
    const context = await setup('update', 1)
    const result = await run(context, (doc) => {
      // Format 1 rows name their columns: a rewrite can add one (a packed row cannot).
      const { i, p } = rowOf(doc, 'r1')
      doc.getMap('rows').set('r1', {
        i,
        p,
        c: { title: 'renamed', priority: 'high', later: 'MARKER-LATER' },
      })
    })
    expect(context.attacker.notices.map((notice) => notice.code)).toEqual([
      'SCHEMA_VIOLATION',
      'SCHEMA_VIOLATION',
    ])
    const expected = {
      name: undefined,
      columns: expect.any(Array) as unknown,
      rows: [
        { id: 'r1', title: 'renamed', priority: null },
        { id: 'r2', title: 'second', priority: 2 },
      ],
    }
    expect(result.stored).toEqual(expected)
    expect(tableJson(context.observer.doc)).toEqual(expected)
    expect(bytesContain(result.storedBytes, 'MARKER-LATER')).toBe(false)
    // The cell of a column that did not exist yet does not appear when an admin adds one.
    const admin = await rightsToken('admin')
    const added = await call(result.restarted, 'POST', '/tables/todos/columns', {
      token: admin,
      body: { name: 'later', type: 'string' },
    })
    expect(added.status).toBe(201)
    const row = await call(result.restarted, 'GET', '/tables/todos/rows/r1', { token: admin })
    expect(row.body).toEqual({ id: 'r1', title: 'renamed', priority: null, later: null })
    const history = await call(result.restarted, 'GET', '/tables/todos/rows/r1/audit', {
      token: admin,
    })
    expect(
      history.body.entries.map((entry: { action: string; columns: string[]; userId: string }) => [
        entry.action,
        entry.columns,
        entry.userId,
      ]),
    ).toEqual([
      ['insert', [], 'admin'],
      ['update', ['title', 'priority'], 'update'],
    ])
  })

  it('S86: a move is an accepted change to a row, so it is in the audit log', async () => {
    const context = await setup('update')
    const result = await run(context, (doc) => {
      writeRawOverride(doc, 'r1', '', 'a9')
    })
    expect(result.stored).toMatchObject({ rows: [{ id: 'r2' }, { id: 'r1' }] })
    const history = await call(result.restarted, 'GET', '/tables/todos/rows/r1/audit', {
      token: await rightsToken('read'),
    })
    expect(history.body.entries.map((entry: { action: string }) => entry.action)).toEqual([
      'insert',
      'move',
    ])
  })
})

describe('what is reported and what is kept', () => {
  it('S87: the allowed part of an update is kept and broadcast, the refused part reported and nowhere else', async () => {
    const context = await setup('update')
    const result = await run(context, (doc) => {
      writeRawOverride(doc, 'r1', 'title', 'MARKER-KEPT')
      doc.getMap('rows').set('r9', { i: 5, p: 'a5', c: { title: 'MARKER-INSERT' } })
      doc.getMap('rows').delete('r2')
    })
    const { attacker, observer } = context
    expect(attacker.notices.map((notice) => notice.code)).toEqual(['FORBIDDEN', 'FORBIDDEN'])
    expect(attacker.notices.map((notice) => notice.message).join('\n')).toMatch(
      /row r9: inserting rows needs the insert permission[^]*row r2: deleting rows needs the delete permission/,
    )
    const expected = {
      rows: [
        { id: 'r1', title: 'MARKER-KEPT', priority: 1 },
        { id: 'r2', title: 'second', priority: 2 },
      ],
    }
    for (const state of [result.stored, tableJson(observer.doc), tableJson(attacker.doc)]) {
      expect(state).toMatchObject(expected)
    }
    expect(bytesContain(observer.received, 'MARKER-KEPT')).toBe(true)
    expect(bytesContain(observer.received, 'MARKER-INSERT')).toBe(false)
    expect(bytesContain(result.storedBytes, 'MARKER-INSERT')).toBe(false)
  })

  it('S82: an admin may rename the table but not set another data-format version', async () => {
    const context = await setup('admin')
    const result = await run(context, (doc) => {
      doc.getMap('meta').set('formatVersion', 99)
      doc.getMap('meta').set('name', 'renamed')
    })
    expect(context.attacker.notices.map((notice) => notice.code)).toEqual(['SCHEMA_VIOLATION'])
    expect(result.stored).toMatchObject({ name: 'renamed' })
    const { doc } = await storedDoc(result.restarted, 'todos')
    expect(doc.getMap('meta').get('formatVersion')).toBe(formatVersion)
  })

  it('S83: an admin may change columns but not delete a column entry', async () => {
    const context = await setup('admin')
    const result = await run(context, (doc) => {
      ;(doc.getMap('columns').get('title') as Y.Map<unknown>).set('name', 'label')
      doc.getMap('columns').delete('priority')
    })
    expect(context.attacker.notices.map((notice) => notice.code)).toEqual(['SCHEMA_VIOLATION'])
    expect(result.stored).toMatchObject({
      columns: [
        { id: 'title', name: 'label' },
        { id: 'priority', name: 'priority' },
      ],
      rows: [
        { id: 'r1', label: 'first', priority: 1 },
        { id: 'r2', label: 'second', priority: 2 },
      ],
    })
  })
})

describe('content outside the table layout', () => {
  it('S81: new root types and list content in the table maps from a writer without admin are neither stored nor broadcast', async () => {
    const context = await setup('write')
    const result = await run(context, (doc) => {
      doc.getMap('extra').set('k', 'MARKER-ROOT')
      doc.getArray('rows').insert(0, ['MARKER-LIST'])
      doc.getText('columns').insert(0, 'MARKER-TEXT')
    })
    expect(context.attacker.notices.map((notice) => notice.code)).toContain('SCHEMA_VIOLATION')
    expect(result.stored).toEqual(context.before)
    for (const marker of ['MARKER-ROOT', 'MARKER-LIST', 'MARKER-TEXT']) {
      expect(bytesContain(result.storedBytes, marker)).toBe(false)
      expect(bytesContain(context.observer.received, marker)).toBe(false)
    }
  })
})

describe('updates that wait for changes the server lacks', () => {
  it('S34: a partial-rights update waits whole, so its deletions are not judged apart from its writes', async () => {
    const context = await setup('update')
    const { attacker } = context
    // A doc with a low client id, so that a restore by the server would win over its write.
    const detached = new Y.Doc()
    detached.clientID = 1
    Y.applyUpdate(detached, Y.encodeStateAsUpdate(attacker.doc))
    writeRawOverride(detached, 'r1', 'title', 'held back')
    const vector = Y.encodeStateVector(detached)
    rewriteRawRow(detached, 'r1', { title: 'rewritten', priority: 5 })
    // Only the second change is sent; the first follows (the server asks for what it lacks).
    attacker.sendRaw(encodeSyncMessage(2, Y.encodeStateAsUpdate(detached, vector)))
    Y.applyUpdate(attacker.doc, Y.encodeStateAsUpdate(detached))
    // Saved requests are answered notSaved(INCOMPLETE_UPDATE) until the re-sync is answered.
    await waitFor(
      () =>
        attacker.save().then(
          () => true,
          () => false,
        ),
      { what: 'a saved acknowledgement' },
    )
    await context.observer.save()
    expect(attacker.notices).toEqual([])
    expect(tableJson(context.observer.doc)).toMatchObject({
      rows: [
        { id: 'r1', title: 'held back', priority: 5 },
        { id: 'r2', title: 'second', priority: 2 },
      ],
    })
  })
})
