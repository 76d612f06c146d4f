// What the client makes of the server's notices (docs/protocol.md §3–5), without a network.
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { createTable, type TesseraError } from '../../src/index.js'
import { createNotices } from '../../client/notices.js'
import { createReverter } from '../../client/revert.js'

const setUp = (mayHoldRefused = false) => {
  const doc = new Y.Doc()
  const table = createTable({ doc, columns: [{ name: 'title', type: 'string' }] })
  const reported: TesseraError[] = []
  const reverts: string[] = []
  const reverter = createReverter(
    doc,
    {},
    () => true,
    () => undefined,
  )
  const notices = createNotices({
    table,
    tableName: 'todos',
    reverter: { ...reverter, onRefused: (notice) => reverts.push(notice) },
    mayHoldRefused: () => mayHoldRefused,
    report: (error) => reported.push(error),
    onPermissions: () => undefined,
  })
  return { table, notices, reported, reverts }
}

const readOnly = {
  canRead: true,
  canInsertRows: false,
  canUpdateRows: false,
  canDeleteRows: false,
  canAdminister: false,
}

describe('server notices', () => {
  it('reports failed saves, error notices and a y-protocols permission denial; unknown codes read as PROTOCOL_ERROR', () => {
    const { notices, reported } = setUp()
    notices.handle({
      type: 'not-saved',
      requestId: 1,
      code: 'STORAGE_FAILURE',
      message: 'disk full',
    })
    notices.handle({ type: 'error', code: 'SCHEMA_VIOLATION', message: 'corrected' })
    notices.handle({ type: 'error', code: 'FROM_A_NEWER_SERVER', message: 'new' })
    notices.handle({ type: 'permission-denied', reason: 'go away' })
    expect(reported.map((error) => [error.code, error.message])).toEqual([
      ['STORAGE_FAILURE', 'the server could not save: disk full'],
      ['SCHEMA_VIOLATION', 'corrected'],
      ['PROTOCOL_ERROR', 'new'],
      ['FORBIDDEN', 'permission denied: go away'],
    ])
  })

  it('S58: the permissions set the write guard', () => {
    const { table, notices } = setUp()
    notices.handle({ type: 'permissions', permissions: readOnly })
    expect(notices.permissions).toEqual(readOnly)
    expect(() => table.insertRow({ title: 'x' })).toThrow(/"insert" right/)
  })

  it('S59: a refusal of a read-only connection reverts what the copy may hold, and reports nothing itself', () => {
    const fresh = setUp(false)
    fresh.notices.handle({ type: 'permissions', permissions: readOnly })
    fresh.notices.handle({ type: 'error', code: 'FORBIDDEN', message: 'read-only' })
    expect([fresh.reverts, fresh.reported]).toEqual([[], []])
    const edited = setUp(true)
    edited.notices.handle({ type: 'permissions', permissions: readOnly })
    edited.notices.handle({ type: 'error', code: 'FORBIDDEN', message: 'read-only' })
    expect([edited.reverts, edited.reported]).toEqual([['read-only'], []])
  })
})
