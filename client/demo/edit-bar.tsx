// The second bar: undo and redo, rows (add, delete, move), columns (add, hidden ones), a large
// table to try, the row history, and the filter with the row count. The `tools` slot takes
// more buttons (e.g. import and export).
import { useState, type FormEvent, type ReactNode } from 'react'
import type { ColumnType, TablePermissions } from '../../src/index.js'
import { columnTypes } from '../../src/internal.js'
import type { Connection } from '../index.js'
import { useUndo } from '../react/index.js'
import type { ViewState } from './view-state.js'

export interface EditBarProps {
  readonly conn: Connection | undefined
  readonly permissions: TablePermissions | undefined
  readonly view: ViewState
  readonly total: number
  /** Rows the selection covers, in view order (empty without a selection). */
  readonly selectedRows: readonly string[]
  readonly isManualOrder: boolean
  readonly hiddenCount: number
  readonly isHistoryOpen: boolean
  readonly onToggleHistory: () => void
  readonly onAddRow: () => void
  readonly onDeleteRows: () => void
  readonly onMove: (direction: -1 | 1) => void
  readonly onGenerate: () => void
  readonly onError: (error: unknown) => void
  readonly tools?: ReactNode
}

function AddColumn({
  conn,
  disabled,
  onError,
}: {
  conn: Connection | undefined
  disabled: boolean
  onError: (error: unknown) => void
}) {
  const [name, setName] = useState('')
  const [type, setType] = useState<ColumnType>('string')
  const submit = (event: FormEvent) => {
    event.preventDefault()
    try {
      conn?.table.addColumn({ name: name.trim(), type })
      setName('')
    } catch (error) {
      onError(error)
    }
  }
  return (
    <form id="add-column" className="inline" onSubmit={submit}>
      <input
        id="column-name"
        placeholder="column name"
        aria-label="column name"
        value={name}
        disabled={disabled}
        onChange={(event) => {
          setName(event.target.value)
        }}
      />
      <select
        id="column-type"
        aria-label="column type"
        value={type}
        disabled={disabled}
        onChange={(event) => {
          setType(event.target.value as ColumnType)
        }}
      >
        {columnTypes.map((option) => (
          <option key={option}>{option}</option>
        ))}
      </select>
      <button type="submit" disabled={disabled}>
        Add column
      </button>
    </form>
  )
}

export function EditBar(props: EditBarProps) {
  const { conn, permissions: can, view, selectedRows } = props
  const { canUndo, canRedo } = useUndo(conn)
  const hasRows = selectedRows.length > 0
  const canMove = selectedRows.length === 1 && props.isManualOrder && can?.canUpdateRows !== false
  return (
    <nav className="toolbar secondary">
      <button id="undo" title="Undo (Ctrl+Z)" disabled={!canUndo} onClick={() => conn?.undo()}>
        Undo
      </button>
      <button
        id="redo"
        title="Redo (Ctrl+Shift+Z)"
        disabled={!canRedo}
        onClick={() => conn?.redo()}
      >
        Redo
      </button>
      <button id="add-row" disabled={can?.canInsertRows === false} onClick={props.onAddRow}>
        Add row
      </button>
      <button
        id="delete-row"
        disabled={!hasRows || can?.canDeleteRows === false}
        onClick={props.onDeleteRows}
      >
        {selectedRows.length > 1 ? `Delete ${selectedRows.length} rows` : 'Delete row'}
      </button>
      <button
        id="move-up"
        disabled={!canMove}
        title="Move the selected row up (manual order)"
        onClick={() => {
          props.onMove(-1)
        }}
      >
        Move ↑
      </button>
      <button
        id="move-down"
        disabled={!canMove}
        title="Move the selected row down (manual order)"
        onClick={() => {
          props.onMove(1)
        }}
      >
        Move ↓
      </button>
      <AddColumn conn={conn} disabled={can?.canAdminister === false} onError={props.onError} />
      <button
        id="generate"
        disabled={can?.canInsertRows === false}
        title="Append 100,000 rows to try a large table"
        onClick={props.onGenerate}
      >
        +100k rows
      </button>
      {props.tools}
      <span className="spacer" />
      {props.hiddenCount > 0 && (
        <button id="show-hidden" onClick={view.showAll}>
          Show {props.hiddenCount} hidden column{props.hiddenCount === 1 ? '' : 's'}
        </button>
      )}
      <button
        id="toggle-history"
        aria-pressed={props.isHistoryOpen}
        onClick={props.onToggleHistory}
      >
        History
      </button>
      <input
        id="filter"
        type="search"
        placeholder="Filter (text columns)"
        aria-label="filter"
        value={view.filter}
        onChange={(event) => {
          view.setFilter(event.target.value)
        }}
      />
      <span id="count" className="count">
        {`${props.total.toLocaleString('en')} rows`}
      </span>
    </nav>
  )
}
