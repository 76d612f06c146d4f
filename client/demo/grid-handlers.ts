// What the grid's user actions do to the table: edits and fills, clears, paste, column moves;
// every range change is one transaction, so one Ctrl+Z undoes it (S122, S123).
import { useCallback, useEffect, type RefObject } from 'react'
import {
  CompactSelection,
  type EditListItem,
  type GridSelection,
  type Rectangle,
} from '@glideapps/glide-data-grid'
import type { Column, Table } from '../../src/index.js'
import { editedValue, refOf } from './cells.js'
import { parseTsv } from './clipboard.js'
import { clearCells, pasteCells, writeCells, type CellWrite, type DraftChanges } from './edits.js'
import { isEdit } from './editors.js'
import type { GridModel } from './grid-model.js'

export interface HandlerInput {
  readonly table: Table
  readonly columns: readonly Column[]
  readonly model: GridModel
  readonly selection: GridSelection
  readonly setSelection: (selection: GridSelection) => void
  readonly onDrafts: (changes: DraftChanges) => void
  readonly onError: (error: unknown) => void
  readonly isReadOnly: boolean
  /** The element holding the grid: a paste counts when the focus is inside it. */
  readonly container: RefObject<HTMLElement | null>
}

/** A selection of one range, with its active cell at the top left. */
export function rangeSelection(range: Rectangle): GridSelection {
  return {
    current: { cell: [range.x, range.y], range, rangeStack: [] },
    columns: CompactSelection.empty(),
    rows: CompactSelection.empty(),
  }
}

/** The rectangles a selection covers: its ranges, its whole rows, its whole columns. */
export function rangesOf(selection: GridSelection, rows: number, columns: number): Rectangle[] {
  const ranges: Rectangle[] = []
  if (selection.current !== undefined)
    ranges.push(selection.current.range, ...selection.current.rangeStack)
  for (const row of selection.rows) ranges.push({ x: 0, y: row, width: columns, height: 1 })
  for (const x of selection.columns) ranges.push({ x, y: 0, width: 1, height: rows })
  return ranges
}

const isTextField = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))

export function useGridHandlers(input: HandlerInput, total: number) {
  const { table, columns, model, selection, setSelection, onDrafts, onError } = input
  const guard = useCallback(
    <A extends unknown[]>(run: (...args: A) => void) =>
      (...args: A): void => {
        try {
          run(...args)
        } catch (error) {
          onError(error)
        }
      },
    [onError],
  )

  // Edits from an editor name their row; fills and toggles are placed by location.
  const onCellsEdited = useCallback(
    (items: readonly EditListItem[]): boolean => {
      const writes: CellWrite[] = []
      for (const { location, value } of items) {
        const ref = refOf(value)
        const column = columns[location[0]]
        const row = isEdit(ref) ? ref.row : model.rowsFrom(location[1], 1)[0]?.id
        const written = editedValue(value)
        if (row === undefined || column === undefined || written === undefined) continue
        writes.push({ row, column: isEdit(ref) ? ref.column : column.name, value: written })
      }
      guard(() => {
        onDrafts(writeCells(table, writes))
      })()
      return true
    },
    [columns, model, table, guard, onDrafts],
  )

  const onDelete = useCallback(
    (selected: GridSelection): boolean => {
      if (input.isReadOnly) return false
      guard(() => {
        const changes: DraftChanges = new Map()
        table.transact(() => {
          for (const range of rangesOf(selected, total, columns.length)) {
            const ids = model.rowsFrom(range.y, range.height).map((row) => row.id)
            const cleared = clearCells(table, ids, columns.slice(range.x, range.x + range.width))
            for (const [key, draft] of cleared) changes.set(key, draft)
          }
        })
        onDrafts(changes)
      })()
      return false
    },
    [input.isReadOnly, guard, table, total, columns, model, onDrafts],
  )

  const paste = useCallback(
    (text: string) => {
      const target = selection.current?.range ?? { x: 0, y: 0, width: 1, height: 1 }
      let data = parseTsv(text)
      // One value pasted over a range fills the range, as spreadsheets do.
      if (data.length === 1 && data[0]!.length === 1 && target.width * target.height > 1)
        data = Array.from({ length: target.height }, () => Array<string>(target.width).fill(text))
      const ids = model.rowsFrom(target.y, data.length).map((row) => row.id)
      onDrafts(pasteCells(table, ids, columns.slice(target.x), data))
      const width = Math.min(
        Math.max(...data.map((cells) => cells.length)),
        columns.length - target.x,
      )
      setSelection(rangeSelection({ x: target.x, y: target.y, width, height: data.length }))
    },
    [selection, model, table, columns, onDrafts, setSelection],
  )

  useEffect(() => {
    const onPaste = (event: ClipboardEvent): void => {
      const inGrid = input.container.current?.contains(document.activeElement) === true
      if (!inGrid || isTextField(event.target) || input.isReadOnly || columns.length === 0) return
      const text = event.clipboardData?.getData('text/plain') ?? ''
      event.preventDefault()
      guard(paste)(text)
    }
    window.addEventListener('paste', onPaste)
    return () => {
      window.removeEventListener('paste', onPaste)
    }
  }, [input.container, input.isReadOnly, columns.length, guard, paste])

  const onColumnMoved = useCallback(
    (from: number, to: number) => {
      const moved = columns[from]
      const target = columns[to]
      if (moved === undefined || target === undefined || from === to) return
      guard(() => {
        table.moveColumn(moved.name, to > from ? { after: target.name } : { before: target.name })
      })()
    },
    [columns, table, guard],
  )

  return { onCellsEdited, onDelete, onColumnMoved, paste }
}

export { isTextField }
