// The cell editors Glide opens over a cell: a text box for text, numbers and json, a date picker
// for dates. Each marks what it edits, so the edit lands on the row it started on even when
// rows moved meanwhile (a remote insert above it, a re-sort).
import { useLayoutEffect, useRef, type ChangeEvent, type KeyboardEvent } from 'react'
import {
  GridCellKind,
  type GridCell,
  type ProvideEditorCallback,
  type ProvideEditorComponent,
  type TextCell,
} from '@glideapps/glide-data-grid'
import { refOf, type CellRef } from './cells.js'

/** A cell ref marked as the target of an editor (not a fill's copy of another cell). */
export type EditedRef = CellRef & { readonly isEdit: true }

/** True when an edited cell came from an editor, so its ref names the row to write. */
export const isEdit = (ref: CellRef | undefined): ref is EditedRef =>
  (ref as Partial<EditedRef> | undefined)?.isEdit === true

type TextEditor = ProvideEditorComponent<TextCell>

const mark = (value: TextCell, data: string): TextCell => {
  const ref = refOf(value)
  return { ...value, data, ...(ref === undefined ? {} : { tessera: { ...ref, isEdit: true } }) }
}

/**
 * Enter (commit, down), Shift+Tab/Tab (commit, left/right) and Escape (cancel), handled here and
 * not by Glide's overlay: Glide decides on a timer per key press, and under fast typing a
 * letter's timer can run after Enter's and drop the edit.
 */
function finishOnKey(
  event: KeyboardEvent<HTMLElement>,
  edited: () => TextCell,
  finish: Parameters<TextEditor>[0]['onFinishedEditing'],
): void {
  const movement =
    event.key === 'Enter' && !event.shiftKey
      ? ([0, 1] as const)
      : event.key === 'Tab'
        ? ([event.shiftKey ? -1 : 1, 0] as const)
        : event.key === 'Escape'
          ? ([0, 0] as const)
          : undefined
  if (movement === undefined) return
  event.preventDefault()
  event.stopPropagation()
  finish(event.key === 'Escape' ? undefined : edited(), movement)
}

/** A text box that grows with its text; Shift+Enter adds a line, Enter and Tab commit. */
const TextBox: TextEditor = ({ value, onChange, onFinishedEditing }) => {
  const box = useRef<HTMLTextAreaElement>(null)
  // In the commit itself, before the next key event can arrive.
  useLayoutEffect(() => {
    const edited = mark(value, value.data)
    onChange(edited)
    const element = box.current
    element?.focus()
    element?.setSelectionRange(edited.data.length, edited.data.length)
    // Only on opening: later changes come through onChange below.
  }, [])
  return (
    <textarea
      ref={box}
      className="cell-editor"
      aria-label="cell value"
      rows={Math.min(6, value.data.split('\n').length)}
      value={value.data}
      onKeyDown={(event) => {
        finishOnKey(event, () => mark(value, box.current?.value ?? value.data), onFinishedEditing)
      }}
      onChange={(event: ChangeEvent<HTMLTextAreaElement>) => {
        onChange(mark(value, event.target.value))
      }}
    />
  )
}

/** A date picker; typing into a date cell opens the text box instead, so any format works. */
const DatePicker: TextEditor = ({ value, onChange, onFinishedEditing }) => (
  <input
    type="date"
    className="cell-editor"
    aria-label="date"
    autoFocus
    value={/^\d{4}-\d{2}-\d{2}$/.test(value.data) ? value.data : ''}
    onChange={(event) => {
      onChange(mark(value, event.target.value))
    }}
    onKeyDown={(event) => {
      finishOnKey(event, () => mark(value, event.currentTarget.value), onFinishedEditing)
    }}
  />
)

/** Glide's `provideEditor`: our editors for every text cell of the table. */
export const provideEditor: ProvideEditorCallback<GridCell> = (cell) => {
  // A read-only cell opens Glide's own viewer, where the text can be read and copied.
  if (cell.kind !== GridCellKind.Text || cell.readonly === true) return undefined
  const ref = refOf(cell)
  const editor: TextEditor = ref?.type === 'date' && !isTyped(cell) ? DatePicker : TextBox
  return editor as unknown as ProvideEditorComponent<GridCell>
}

/** Glide gives a typed-into cell its first character as data; a picker cannot show that. */
const isTyped = (cell: TextCell): boolean => !/^(\d{4}-\d{2}-\d{2})?$/.test(cell.data)
