// The table's write guard (docs/semantics.md S58) and the permissions message (S57), without a
// network: every write method asks the guard first, and a refusal leaves the doc untouched.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createTable, TesseraError, type WriteKind } from '../../src/index.js'
import { decodeMessage, encodeMessage } from '../../src/internal.js'

describe('table.setWriteGuard', () => {
  it('S58: every write method asks the guard for its kind before touching the doc', () => {
    const table = createTable({ columns: [{ name: 'title', type: 'string' }] })
    const a = table.insertRow({ title: 'a' })
    const b = table.insertRow({ title: 'b' })
    const asked: string[] = []
    table.setWriteGuard((kind: WriteKind, where) => {
      asked.push(`${where}:${kind}`)
      throw new TesseraError('FORBIDDEN', `${where}: refused`)
    })
    const before = Y.encodeStateAsUpdate(table.doc)
    const attempts: (() => unknown)[] = [
      () => table.insertRow({ title: 'c' }),
      () => table.insertRow({ title: 'again' }, { id: a }),
      () => table.insertRows([{ title: 'd' }]),
      () => table.setRow(a, { title: 'e' }),
      () => table.updateRow(a, { title: 'f' }),
      () => table.setCell(a, 'title', 'g'),
      () => table.moveRow(a, { after: b }),
      () => table.deleteRow(a),
      () => table.deleteRows([a, b]),
      () => table.addColumn({ name: 'n', type: 'number' }),
      () => table.renameColumn('title', 'name'),
      () => table.setColumnType('title', 'json'),
      () => table.setColumnDefault('title', 'x'),
      () => table.moveColumn('title', {}),
      () => table.removeColumn('title'),
    ]
    for (const attempt of attempts) expect(attempt).toThrow(/refused/)
    expect(asked).toEqual([
      'insertRow:insert',
      'insertRow:update',
      'insertRows:insert',
      'insertRow:update',
      'updateRow:update',
      'setCell:update',
      'moveRow:update',
      'deleteRow:delete',
      'deleteRows:delete',
      'addColumn:schema',
      'renameColumn:schema',
      'setColumnType:schema',
      'setColumnDefault:schema',
      'moveColumn:schema',
      'removeColumn:schema',
    ])
    expect(Y.encodeStateAsUpdate(table.doc)).toEqual(before)
    table.setWriteGuard(undefined)
    table.setCell(a, 'title', 'allowed again')
    expect(table.getCell(a, 'title')).toBe('allowed again')
  })

  it('S57: the permissions message carries each right', () => {
    const permissions = {
      canRead: true,
      canInsertRows: false,
      canUpdateRows: true,
      canDeleteRows: false,
      canAdminister: true,
    }
    expect(decodeMessage(encodeMessage({ type: 'permissions', permissions }))).toEqual({
      type: 'permissions',
      permissions,
    })
  })
})
