// The demo's spreadsheet grid: a live query's window rendered as absolutely placed rows (only the
// visible ones exist), sort by header click, a filter, cell editing, presence and conflict marks.
import type { Connection } from '../index.js'
import { type Column, type LiveQuery, type Query, type Row } from '../../src/index.js'
import { describeValue, formatCell, parseCell } from './values.js'

/** The height of a row in pixels (style.css agrees). */
export const rowHeight = 28
const overscan = 8

export interface GridElements {
  head: HTMLElement
  body: HTMLElement
  spacer: HTMLElement
  rows: HTMLElement
}

export interface Cell {
  row: string
  column: string
}

export interface Grid {
  readonly selection: Cell | null
  /** The rows of the current window, in order. */
  readonly rows: readonly Row[]
  readonly total: number
  /** Whether rows show in manual order (no sort), so moving them means something. */
  readonly isManualOrder: boolean
  select(cell: Cell | null): void
  setFilter(text: string): void
  scrollToEnd(): void
  /** Called after every render (tests and the page's counters read the grid then). */
  onRender(handler: () => void): void
  destroy(): void
}

export function createGrid(
  conn: Connection,
  elements: GridElements,
  onError: (error: unknown) => void,
): Grid {
  const table = conn.table
  let sort: { column: string; direction: 'asc' | 'desc' } | null = null
  let filter = ''
  let selection: Cell | null = null
  let editing: { cell: Cell; input: HTMLInputElement } | null = null
  let query: LiveQuery | undefined
  let stopQuery: (() => void) | undefined
  const renderHandlers: (() => void)[] = []
  let frame = 0

  const buildQuery = (): Query => {
    const columns = table.columns()
    const text = columns.filter((c) => c.type === 'string')
    const conditions = text.map((c) => ({ [c.name]: { contains: filter } }))
    const where =
      filter === '' || conditions.length === 0
        ? undefined
        : conditions.length === 1
          ? conditions[0]
          : { or: conditions }
    const window = query?.window ?? { offset: 0, limit: visibleCount() }
    return {
      ...(where === undefined ? {} : { where }),
      ...(sort !== null && columns.some((c) => c.name === sort?.column)
        ? { orderBy: [[sort.column, sort.direction]] }
        : {}),
      offset: window.offset,
      limit: window.limit ?? visibleCount(),
    }
  }

  const rebuild = (): void => {
    stopQuery?.()
    query?.dispose()
    try {
      query = table.liveQuery(buildQuery())
      stopQuery = query.subscribe(() => {
        schedule()
      })
    } catch (error) {
      query = undefined
      onError(error)
    }
    schedule()
  }

  const visibleCount = (): number =>
    Math.ceil(Math.max(elements.body.clientHeight, 600) / rowHeight) + overscan

  const syncWindow = (): void => {
    if (query === undefined) return
    const offset = Math.max(0, Math.floor(elements.body.scrollTop / rowHeight) - overscan / 2)
    const limit = visibleCount() + overscan
    if (query.window.offset !== offset || query.window.limit !== limit)
      query.setWindow({ offset, limit })
  }

  const schedule = (): void => {
    if (frame !== 0) return
    frame = requestAnimationFrame(() => {
      frame = 0
      render()
    })
  }

  const renderHead = (columns: readonly Column[]): void => {
    const cells = [`<div class="row-number">#</div>`]
    for (const column of columns) {
      const arrow = sort?.column === column.name ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''
      cells.push(
        `<div class="head-cell" data-column="${escape(column.name)}" title="Click to sort, double-click to rename">${escape(column.name)}<span class="type">${column.type}</span>${arrow}</div>`,
      )
    }
    elements.head.innerHTML = cells.join('')
  }

  const render = (): void => {
    const columns = table.columns()
    renderHead(columns)
    const rows = query?.rows ?? []
    const offset = query?.window.offset ?? 0
    elements.spacer.style.height = `${(query?.total ?? 0) * rowHeight}px`
    elements.rows.style.top = `${offset * rowHeight}px`
    const peersAt = new Map<string, { name: string; color: string }[]>()
    for (const peer of conn.presence.peers()) {
      if (peer.selection === null) continue
      const key = `${peer.selection.row}\u0000${peer.selection.column}`
      peersAt.set(key, [...(peersAt.get(key) ?? []), peer.user])
    }
    const conflicted = new Map<string, string>()
    for (const c of conn.conflicts.list()) {
      const who = conn.presence.userOf(c.by)?.name ?? `client ${c.by}`
      conflicted.set(
        `${c.row}\u0000${c.column}`,
        `Conflict: your "${describeValue(c.mine)}" was overwritten by ${who}'s "${describeValue(c.theirs)}"`,
      )
    }
    const rowElements = elements.rows.children
    while (rowElements.length > rows.length) rowElements[rowElements.length - 1]!.remove()
    rows.forEach((row, index) => {
      let line = rowElements[index] as HTMLElement | undefined
      if (line === undefined) {
        line = document.createElement('div')
        line.className = 'grid-row'
        elements.rows.append(line)
      }
      line.dataset.row = row.id
      while (line.children.length > columns.length + 1) line.lastElementChild!.remove()
      while (line.children.length < columns.length + 1) line.append(document.createElement('div'))
      const number = line.children[0] as HTMLElement
      number.className = 'row-number'
      number.textContent = String(offset + index + 1)
      columns.forEach((column, at) => {
        const cell = line.children[at + 1] as HTMLElement
        const key = `${row.id}\u0000${column.name}`
        if (editing?.cell.row === row.id && editing.cell.column === column.name) return
        const peers = peersAt.get(key) ?? []
        const conflict = conflicted.get(key)
        const isSelected = selection?.row === row.id && selection.column === column.name
        cell.className = `cell${isSelected ? ' selected' : ''}${peers.length > 0 ? ' peer-selected' : ''}${conflict === undefined ? '' : ' conflict'}`
        cell.dataset.row = row.id
        cell.dataset.column = column.name
        cell.title = conflict ?? ''
        cell.style.setProperty('--peer-color', peers[0]?.color ?? 'transparent')
        cell.textContent = formatCell(row[column.name], column.type)
        if (peers.length > 0) {
          const label = document.createElement('span')
          label.className = 'peer-label'
          label.textContent = peers.map((p) => p.name).join(', ')
          cell.append(label)
        }
      })
    })
    for (const handler of renderHandlers) handler()
  }

  const startEdit = (cell: Cell, initial?: string): void => {
    const column = table.getColumn(cell.column)
    if (column === undefined || !table.hasRow(cell.row)) return
    // S58: a connection that may not update rows gets a read-only grid, not a refused edit.
    if (conn.permissions?.canUpdateRows === false) return
    if (column.type === 'boolean' && initial === undefined) {
      table.setCell(cell.row, cell.column, table.getCell(cell.row, cell.column) !== true)
      return
    }
    const element = elements.rows.querySelector<HTMLElement>(
      `.cell[data-row="${CSS.escape(cell.row)}"][data-column="${CSS.escape(cell.column)}"]`,
    )
    if (element === null) return
    const input = document.createElement('input')
    input.value = initial ?? formatCell(table.getCell(cell.row, cell.column), column.type)
    element.textContent = ''
    element.append(input)
    editing = { cell, input }
    input.focus()
    const finish = (commit: boolean): void => {
      if (editing?.input !== input) return
      editing = null
      if (commit) {
        try {
          table.setCell(cell.row, cell.column, parseCell(input.value, column.type))
        } catch (error) {
          onError(error)
        }
      }
      input.remove()
      render()
      elements.body.parentElement?.focus()
    }
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') finish(true)
      else if (event.key === 'Escape') finish(false)
      event.stopPropagation()
    })
    input.addEventListener('blur', () => {
      finish(true)
    })
  }

  const cellAt = (target: EventTarget | null): Cell | null => {
    const element = (target as HTMLElement | null)?.closest<HTMLElement>('.cell')
    const row = element?.dataset.row
    const column = element?.dataset.column
    return row === undefined || column === undefined ? null : { row, column }
  }

  const onClick = (event: MouseEvent): void => {
    const cell = cellAt(event.target)
    if (cell !== null && editing === null) grid.select(cell)
  }
  const onDoubleClick = (event: MouseEvent): void => {
    const cell = cellAt(event.target)
    if (cell !== null) startEdit(cell)
  }
  const onHeadClick = (event: MouseEvent): void => {
    const name = (event.target as HTMLElement).closest<HTMLElement>('.head-cell')?.dataset.column
    if (name === undefined) return
    sort =
      sort?.column !== name
        ? { column: name, direction: 'asc' }
        : sort.direction === 'asc'
          ? { column: name, direction: 'desc' }
          : null
    rebuild()
  }
  const onHeadDoubleClick = (event: MouseEvent): void => {
    const name = (event.target as HTMLElement).closest<HTMLElement>('.head-cell')?.dataset.column
    if (name === undefined || conn.permissions?.canAdminister === false) return
    const newName = prompt(`Rename column "${name}" to:`, name)
    if (newName === null || newName === name) return
    try {
      table.renameColumn(name, newName)
      if (sort?.column === name) sort = { ...sort, column: newName }
    } catch (error) {
      onError(error)
    }
  }
  const onKey = (event: KeyboardEvent): void => {
    if (selection === null || editing !== null) return
    const rows = query?.rows ?? []
    const columns = table.columns().map((c) => c.name)
    const rowAt = rows.findIndex((r) => r.id === selection?.row)
    const columnAt = columns.indexOf(selection.column)
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    }
    const move = moves[event.key]
    if (move !== undefined) {
      const row = rows[Math.min(rows.length - 1, Math.max(0, rowAt + move[0]))]
      const column = columns[Math.min(columns.length - 1, Math.max(0, columnAt + move[1]))]
      if (row !== undefined && column !== undefined) grid.select({ row: row.id, column })
      event.preventDefault()
    } else if (event.key === 'Enter' || event.key === 'F2') {
      startEdit(selection)
      event.preventDefault()
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      if (conn.permissions?.canUpdateRows !== false)
        table.setCell(selection.row, selection.column, null)
    } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey) {
      startEdit(selection, event.key)
      event.preventDefault()
    }
  }
  const onScroll = (): void => {
    elements.head.scrollLeft = elements.body.scrollLeft
    syncWindow()
  }

  elements.rows.addEventListener('click', onClick)
  elements.rows.addEventListener('dblclick', onDoubleClick)
  elements.head.addEventListener('click', onHeadClick)
  elements.head.addEventListener('dblclick', onHeadDoubleClick)
  elements.body.parentElement!.addEventListener('keydown', onKey)
  elements.body.addEventListener('scroll', onScroll)
  const stops = [
    table.on('change', (change) => {
      if (change.schemaChanged) rebuild()
    }),
    conn.presence.on('change', schedule),
    conn.conflicts.subscribe(schedule),
  ]
  const onResize = (): void => {
    syncWindow()
  }
  window.addEventListener('resize', onResize)

  const grid: Grid = {
    get selection() {
      return selection
    },
    get rows() {
      return query?.rows ?? []
    },
    get total() {
      return query?.total ?? 0
    },
    get isManualOrder() {
      return sort === null
    },
    select(cell) {
      selection = cell
      conn.presence.setSelection(cell)
      schedule()
    },
    setFilter(text) {
      if (text === filter) return
      filter = text
      elements.body.scrollTop = 0
      rebuild()
    },
    scrollToEnd() {
      elements.body.scrollTop = elements.body.scrollHeight
      syncWindow()
    },
    onRender(handler) {
      renderHandlers.push(handler)
    },
    destroy() {
      stops.forEach((stop) => {
        stop()
      })
      stopQuery?.()
      query?.dispose()
      window.removeEventListener('resize', onResize)
      cancelAnimationFrame(frame)
    },
  }
  rebuild()
  return grid
}

function escape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  )
}
