// What a window client knows, fed by the server's messages and its own writes: the schema, the
// server's answer for the window, the pending edits laid over it, and the rows shown, with one
// diff per change as live queries give (S138). Knows no socket: connect-query.ts feeds it.
import type { Column, Query, Row, RowId, LiveQueryDiff } from '../../src/index.js'
import {
  comparePositions,
  diffWindows,
  type ParsedQuery,
  type WindowColumn,
} from '../../src/internal.js'
import { applyAnswerMessage, type AnswerMessage } from './window-answer.js'
import type { PendingEdit, PendingEdits } from './pending-edits.js'
import { columnsOf, parseFor, shownRows, writableRow, type WindowAnswer } from './window-view.js'
import type { ManualOrder, WriteContext } from './window-writes.js'

/** The window's state; `refresh` recomputes what it shows. */
export interface WindowState {
  readonly rows: readonly Row[]
  readonly total: number
  readonly columns: readonly Column[] | undefined
  /** The last schema message's columns. */
  readonly schema: readonly WindowColumn[] | undefined
  /** The server's answer as last received (or restored from the offline copy). */
  readonly answer: WindowAnswer | undefined
  /** The server answered for the window asked last. */
  readonly isLoaded: boolean
  setSchema(columns: readonly WindowColumn[]): void
  setAnswer(message: AnswerMessage): void
  /** The window asked for changed: it is not loaded until the server answers for it. */
  setWindow(offset: number, limit: number): void
  /** Recomputes the rows; the diff when they or the total changed. */
  refresh(source: LiveQueryDiff['source']): LiveQueryDiff | undefined
  /** The row context of the writes (everything but permissions and commit). */
  readonly rowsForWrites: Pick<WriteContext, 'columns' | 'writable' | 'manualOrder' | 'maxPosition'>
}

/** The state of a window of `query`, with `pending` laid over the server's answer. */
export function createWindowState(
  query: Pick<Query, 'where' | 'orderBy'>,
  pending: PendingEdits,
): WindowState {
  let schema: readonly WindowColumn[] | undefined
  let columns: Column[] | undefined
  let parsed: ParsedQuery | undefined
  let answer: WindowAnswer | undefined
  let asked = { offset: 0, limit: 0 }
  let rows: readonly Row[] = []
  let total = 0

  const edits = (draft: readonly PendingEdit[]): PendingEdit[] => [...pending.list, ...draft]
  /** The position of every row the window holds, with `list` applied. */
  const positions = (list: readonly PendingEdit[]): Map<RowId, string> => {
    const at = new Map<RowId, string>()
    for (const row of answer?.rows ?? []) at.set(row.id as RowId, row.position)
    for (const { edits: rowEdits } of list) {
      for (const edit of rowEdits) {
        if (edit.kind === 'insert') at.set(edit.id, edit.position)
        else if (edit.kind === 'cells' && typeof edit.cells[''] === 'string')
          at.set(edit.id, edit.cells[''])
      }
    }
    return at
  }

  const manualOrder = (draft: readonly PendingEdit[]): ManualOrder | undefined => {
    if (answer === undefined || parsed === undefined || parsed.orderBy.length > 0) return undefined
    const at = positions(edits(draft))
    const shown = shownRows(answer, parsed, [...pending.unsaved, ...draft]).rows
    const { head } = answer
    return {
      rows: shown.map((row) => ({ id: row.id, position: at.get(row.id)! })),
      isStart: head.offset === 0,
      isEnd: head.offset + answer.rows.length >= head.total,
    }
  }

  return {
    get rows() {
      return rows
    },
    get total() {
      return total
    },
    get columns() {
      return columns
    },
    get schema() {
      return schema
    },
    get answer() {
      return answer
    },
    get isLoaded() {
      return answer?.head.offset === asked.offset && answer.head.limit === asked.limit
    },
    setSchema(next) {
      schema = next
      columns = columnsOf(next)
      parsed = parseFor({ ...query }, columns)
    },
    setAnswer(message) {
      answer = applyAnswerMessage(answer, schema ?? [], message)
    },
    setWindow(offset, limit) {
      asked = { offset, limit }
    },
    refresh(source) {
      if (answer === undefined) return undefined
      const shown = shownRows(answer, parsed, pending.unsaved)
      const next = { rows: keepUnchanged(rows, shown.rows), total: shown.total }
      const changes = diffWindows(rows, next.rows)
      const isSame =
        changes.added.length + changes.removed.length + changes.updated.length === 0 &&
        changes.moved.length === 0 &&
        next.total === total
      rows = next.rows
      total = next.total
      if (isSame) return undefined
      return { ...changes, rows, total, source, origin: undefined, error: undefined }
    },
    rowsForWrites: {
      columns: () => columns,
      writable: (id, draft) => writableRow(answer, edits(draft), id),
      manualOrder,
      maxPosition(draft) {
        let max = answer?.head.maxPosition ?? ''
        for (const position of positions(edits(draft)).values())
          if (comparePositions(position, max) > 0) max = position
        return max
      },
    },
  }
}

/** `next` with each row whose values all equal the row's before given as that same object (S155). */
function keepUnchanged(before: readonly Row[], next: readonly Row[]): readonly Row[] {
  if (before.length === 0) return next
  const old = new Map(before.map((row) => [row.id, row]))
  return next.map((row) => {
    const was = old.get(row.id)
    if (was === undefined) return row
    const keys = Object.keys(row)
    const isSame =
      keys.length === Object.keys(was).length &&
      keys.every((key) => Object.is(row[key], was[key]) || sameJson(row[key], was[key]))
    return isSame ? was : row
  })
}

/** Two JSON cell values (objects, arrays) with the same content. */
const sameJson = (a: unknown, b: unknown): boolean =>
  typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b)
