// Random raw Yjs operations on every part of a table's document (metadata, columns, rows,
// overrides, positions, other root types, list content, nested types): what an attacker who
// skips the SDK can send. Generated as data by fast-check, then applied to a Y.Doc.
import { fc } from '@fast-check/vitest'
import * as Y from 'yjs'

/** A value as generated; `MARK` becomes a unique marker string, `TABLE` the table's name. */
type ValueSpec = unknown

export type RawOp =
  | { kind: 'meta-set'; key: string; value: ValueSpec }
  | { kind: 'meta-delete'; key: string }
  | { kind: 'column-delete'; id: string }
  | { kind: 'column-map'; id: string; fields: Record<string, ValueSpec> }
  | { kind: 'column-value'; id: string; value: ValueSpec }
  | { kind: 'field-set'; id: string; field: string; value: ValueSpec }
  | { kind: 'field-delete'; id: string; field: string }
  | {
      kind: 'row-set'
      id: string
      incarnation: 'same' | number
      p: ValueSpec
      c: Record<string, ValueSpec>
    }
  | { kind: 'row-value'; id: string; value: ValueSpec }
  | { kind: 'row-delete'; id: string }
  | {
      kind: 'cell-set'
      row: string
      column: string
      incarnation: 'same' | number
      value: ValueSpec
    }
  | { kind: 'cell-value'; key: string; value: ValueSpec }
  | { kind: 'cell-delete'; row: string; column: string }
  | { kind: 'nested'; map: 'meta' | 'rows' | 'cells' | 'field'; key: string }
  | { kind: 'root'; name: string; key: string; value: ValueSpec }
  | { kind: 'list'; root: string; value: ValueSpec }

const rowIds = ['r1', 'r2', 'r3', 'r4']
const columnIds = ['title', 'priority', 'flag', 'gone', 'fresh']
const cellColumns = ['', 'title', 'priority', 'flag', 'gone', 'nope']
const fields = ['name', 'type', 'default', 'position', 'removed']

const value: fc.Arbitrary<ValueSpec> = fc.oneof(
  fc.constant('MARK'),
  fc.integer({ min: -3, max: 12 }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('a0', 'a5', 'Zz', '!!', 'zz', '12', 'true', '2024-05-01T00:00:00.000Z'),
  fc.constantFrom('string', 'number', 'json', 'TABLE', 1, 2),
  fc.constant({ note: 'MARK' }),
  fc.constant(['MARK', 1]),
)
const incarnation = fc.oneof(fc.constant('same' as const), fc.constantFrom(7, 8))

/** One raw operation. */
export const rawOp: fc.Arbitrary<RawOp> = fc.oneof(
  fc.record({
    kind: fc.constant('meta-set' as const),
    key: fc.constantFrom('formatVersion', 'name', 'extra'),
    value,
  }),
  fc.record({
    kind: fc.constant('meta-delete' as const),
    key: fc.constantFrom('formatVersion', 'name'),
  }),
  fc.record({ kind: fc.constant('column-delete' as const), id: fc.constantFrom(...columnIds) }),
  fc.record({
    kind: fc.constant('column-map' as const),
    id: fc.constantFrom(...columnIds),
    fields: fc.record({
      name: fc.constantFrom('fresh', 'MARK'),
      type: fc.constantFrom('string', 'number', 'json'),
      position: fc.constantFrom('a5', 'b0'),
    }),
  }),
  fc.record({
    kind: fc.constant('column-value' as const),
    id: fc.constantFrom(...columnIds),
    value,
  }),
  fc.record({
    kind: fc.constant('field-set' as const),
    id: fc.constantFrom(...columnIds),
    field: fc.constantFrom(...fields),
    value,
  }),
  fc.record({
    kind: fc.constant('field-delete' as const),
    id: fc.constantFrom(...columnIds),
    field: fc.constantFrom(...fields),
  }),
  fc.record({
    kind: fc.constant('row-set' as const),
    id: fc.constantFrom(...rowIds),
    incarnation,
    p: fc.oneof(fc.constantFrom('a0', 'a3', 'Zz', '!!'), value),
    c: fc.dictionary(fc.constantFrom(...cellColumns), value, { maxKeys: 3 }),
  }),
  fc.record({ kind: fc.constant('row-value' as const), id: fc.constantFrom(...rowIds), value }),
  fc.record({ kind: fc.constant('row-delete' as const), id: fc.constantFrom(...rowIds) }),
  fc.record({
    kind: fc.constant('cell-set' as const),
    row: fc.constantFrom(...rowIds),
    column: fc.constantFrom(...cellColumns),
    incarnation,
    value,
  }),
  fc.record({
    kind: fc.constant('cell-value' as const),
    key: fc.constantFrom('r1\u0000title', 'r2\u0000', 'no-separator'),
    value,
  }),
  fc.record({
    kind: fc.constant('cell-delete' as const),
    row: fc.constantFrom(...rowIds),
    column: fc.constantFrom(...cellColumns),
  }),
  fc.record({
    kind: fc.constant('nested' as const),
    map: fc.constantFrom('meta' as const, 'rows' as const, 'cells' as const, 'field' as const),
    key: fc.constantFrom('r1', 'r1\u0000title', 'name', 'title'),
  }),
  fc.record({
    kind: fc.constant('root' as const),
    name: fc.constantFrom('extra', 'more'),
    key: fc.constantFrom('k', 'l'),
    value,
  }),
  fc.record({
    kind: fc.constant('list' as const),
    root: fc.constantFrom('rows', 'cells', 'meta', 'columns', 'xlist'),
    value,
  }),
)

/** Turns generated values into stored ones: fresh markers, the table's name. */
export function valueMaker(prefix: string, tableName: string): (spec: ValueSpec) => unknown {
  let next = 0
  const make = (spec: ValueSpec): unknown => {
    if (spec === 'MARK') return `${prefix}-${next++}`
    if (spec === 'TABLE') return tableName
    if (Array.isArray(spec)) return spec.map(make)
    if (typeof spec === 'object' && spec !== null)
      return Object.fromEntries(Object.entries(spec).map(([key, item]) => [key, make(item)]))
    return spec
  }
  return make
}

const incarnationOf = (doc: Y.Doc, row: string, wanted: 'same' | number): number => {
  if (wanted !== 'same') return wanted
  const stored = doc.getMap('rows').get(row) as { i?: unknown } | undefined
  return typeof stored?.i === 'number' ? stored.i : 9
}

/** Adds list content to a root through a second doc, as any other Yjs client could. */
function addListContent(doc: Y.Doc, root: string, item: unknown): void {
  const side = new Y.Doc()
  Y.applyUpdate(side, Y.encodeStateAsUpdate(doc))
  const vector = Y.encodeStateVector(side)
  side.getArray(root).insert(0, [item])
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(side, vector))
  // applyUpdate marks the running transaction remote; the attacker's later writes in it are its
  // own (Yjs would otherwise take them for another client using its id).
  if (doc._transaction !== null) doc._transaction.local = true
  side.destroy()
}

/** Applies one raw operation to `doc` (inside the caller's transaction). */
export function applyRawOp(doc: Y.Doc, op: RawOp, make: (spec: ValueSpec) => unknown): void {
  const columns = doc.getMap('columns')
  const column = (id: string) => {
    const found: unknown = columns.get(id)
    return found instanceof Y.Map ? (found as Y.Map<unknown>) : undefined
  }
  switch (op.kind) {
    case 'meta-set':
      return void doc.getMap('meta').set(op.key, make(op.value))
    case 'meta-delete':
      return doc.getMap('meta').delete(op.key)
    case 'column-delete':
      return columns.delete(op.id)
    case 'column-map':
      return void columns.set(op.id, new Y.Map(Object.entries(make(op.fields) as object)))
    case 'column-value':
      return void columns.set(op.id, make(op.value))
    case 'field-set':
      return void column(op.id)?.set(op.field, make(op.value))
    case 'field-delete':
      return column(op.id)?.delete(op.field)
    case 'row-set': {
      const i = incarnationOf(doc, op.id, op.incarnation)
      return void doc.getMap('rows').set(op.id, { i, p: make(op.p), c: make(op.c) })
    }
    case 'row-value':
      return void doc.getMap('rows').set(op.id, make(op.value))
    case 'row-delete':
      return doc.getMap('rows').delete(op.id)
    case 'cell-set': {
      const i = incarnationOf(doc, op.row, op.incarnation)
      return void doc.getMap('cells').set(`${op.row}\u0000${op.column}`, [i, make(op.value)])
    }
    case 'cell-value':
      return void doc.getMap('cells').set(op.key, make(op.value))
    case 'cell-delete':
      return doc.getMap('cells').delete(`${op.row}\u0000${op.column}`)
    case 'nested': {
      const nested = new Y.Map<unknown>([['inner', make('MARK')]])
      if (op.map === 'field') return void column('title')?.set(op.key, nested)
      return void doc.getMap(op.map).set(op.key, nested)
    }
    case 'root':
      return void doc.getMap(op.name).set(op.key, make(op.value))
    case 'list':
      return addListContent(doc, op.root, make(op.value))
  }
}
