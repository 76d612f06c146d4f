// A column's menu (sort, rename, type, hide, delete) and the box that renames a column in place
// over its header. Sorting is a view choice by column id, so a rename never changes the sort.
import { useEffect, useRef, useState } from 'react'
import type { Rectangle } from '@glideapps/glide-data-grid'
import type { Column, ColumnType, Table } from '../../src/index.js'
import { columnTypes } from '../../src/internal.js'
import type { ViewState } from './view-state.js'

export interface ColumnMenuProps {
  readonly table: Table
  readonly column: Column
  readonly bounds: Rectangle
  readonly view: ViewState
  readonly canAdminister: boolean
  readonly onRename: () => void
  readonly onClose: () => void
  readonly onError: (error: unknown) => void
}

export function ColumnMenu(props: ColumnMenuProps) {
  const { table, column, view, canAdminister, onClose } = props
  const menu = useRef<HTMLDivElement>(null)
  useEffect(() => {
    menu.current?.querySelector('button')?.focus()
    const onDown = (event: MouseEvent) => {
      if (!menu.current?.contains(event.target as Node)) onClose()
    }
    document.addEventListener('mousedown', onDown)
    return () => {
      document.removeEventListener('mousedown', onDown)
    }
  }, [onClose])
  const run = (action: () => void) => () => {
    try {
      action()
    } catch (error) {
      props.onError(error)
    }
    onClose()
  }
  const sortBy = (direction: 'asc' | 'desc') =>
    run(() => {
      view.setSort({ columnId: column.id, direction })
    })
  return (
    <div
      ref={menu}
      className="column-menu"
      role="menu"
      aria-label={`column ${column.name}`}
      style={{ left: props.bounds.x, top: props.bounds.y + props.bounds.height }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose()
      }}
    >
      <button role="menuitem" onClick={sortBy('asc')}>
        Sort A → Z
      </button>
      <button role="menuitem" onClick={sortBy('desc')}>
        Sort Z → A
      </button>
      {view.sort?.columnId === column.id && (
        <button
          role="menuitem"
          onClick={run(() => {
            view.setSort(null)
          })}
        >
          Clear sort
        </button>
      )}
      <hr />
      {/* Not through `run`: the rename box replaces the menu, which must not close it after. */}
      <button role="menuitem" disabled={!canAdminister} onClick={props.onRename}>
        Rename…
      </button>
      <label className="menu-row">
        Type{' '}
        <select
          aria-label="column type"
          disabled={!canAdminister}
          value={column.type}
          onChange={(event) => {
            run(() => {
              table.setColumnType(column.name, event.target.value as ColumnType)
            })()
          }}
        >
          {columnTypes.map((type) => (
            <option key={type}>{type}</option>
          ))}
        </select>
      </label>
      <button
        role="menuitem"
        onClick={run(() => {
          view.setHidden(column.id, true)
        })}
      >
        Hide column
      </button>
      <hr />
      <button
        role="menuitem"
        className="danger"
        disabled={!canAdminister}
        onClick={run(() => {
          table.removeColumn(column.name)
        })}
      >
        Delete column
      </button>
    </div>
  )
}

export interface RenameBoxProps {
  readonly column: Column
  readonly bounds: Rectangle
  readonly onRename: (name: string) => void
  readonly onClose: () => void
}

/** An input over the header: Enter or leaving it renames, Escape keeps the name. */
export function RenameBox({ column, bounds, onRename, onClose }: RenameBoxProps) {
  const [name, setName] = useState(column.name)
  const done = useRef(false)
  const finish = (commit: boolean) => {
    if (done.current) return
    done.current = true
    if (commit && name.trim() !== '' && name.trim() !== column.name) onRename(name.trim())
    onClose()
  }
  return (
    <input
      className="rename-box"
      aria-label={`rename column ${column.name}`}
      autoFocus
      value={name}
      style={{ left: bounds.x, top: bounds.y, width: bounds.width, height: bounds.height }}
      onFocus={(event) => {
        event.target.select()
      }}
      onChange={(event) => {
        setName(event.target.value)
      }}
      onKeyDown={(event) => {
        if (event.key === 'Enter') finish(true)
        else if (event.key === 'Escape') finish(false)
        event.stopPropagation()
      }}
      onBlur={() => {
        finish(true)
      }}
    />
  )
}
