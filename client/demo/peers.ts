// Selections as presence: this user's published as the active cell and the range's opposite
// corner, other users' drawn in a colour no other peer (or this user) shows, found in this
// user's own view of the rows (S121).
import type { Highlight } from '@glideapps/glide-data-grid'
import type { Column, Row } from '../../src/index.js'
import type { GridSelection } from '@glideapps/glide-data-grid'
import type { Connection, Peer, PresenceUser } from '../index.js'

const palette = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#008080', '#f032e6']

/** A peer with the colour it is drawn in and where its selection is in this view. */
export interface PlacedPeer {
  readonly peer: Peer
  readonly color: string
  /** Column and row index of the peer's active cell, when it is in the loaded window. */
  readonly cell: readonly [number, number] | undefined
  readonly range: Highlight['range'] | undefined
}

/** One colour per peer: its own unless this user or an earlier peer shows it already. */
export function peerColors(me: PresenceUser | undefined, peers: readonly Peer[]): string[] {
  const taken = new Set(me === undefined ? [] : [me.color.toLowerCase()])
  return peers.map((peer) => {
    let color = peer.user.color
    // Ranges are tinted with the colour plus an alpha byte: a `#rrggbb` colour is needed.
    if (!/^#[0-9a-f]{6}$/i.test(color) || taken.has(color.toLowerCase()))
      color = palette.find((c) => !taken.has(c)) ?? palette[0]!
    taken.add(color.toLowerCase())
    return color
  })
}

/** Where each peer's selection is among the loaded rows and the shown columns. */
export function placePeers(
  me: PresenceUser | undefined,
  peers: readonly Peer[],
  rows: readonly Row[],
  offset: number,
  columns: readonly Column[],
): PlacedPeer[] {
  const colors = peerColors(me, peers)
  const rowIndex = (id: string): number | undefined => {
    const at = rows.findIndex((row) => row.id === id)
    return at === -1 ? undefined : offset + at
  }
  const columnIndex = (name: string): number | undefined => {
    const at = columns.findIndex((column) => column.name === name)
    return at === -1 ? undefined : at
  }
  return peers.map((peer, index) => {
    const selection = peer.selection
    const x1 = selection === null ? undefined : columnIndex(selection.column)
    const y1 = selection === null ? undefined : rowIndex(selection.row)
    const cell = x1 === undefined || y1 === undefined ? undefined : ([x1, y1] as const)
    const to = selection?.to
    const x2 = to === undefined ? x1 : columnIndex(to.column)
    const y2 = to === undefined ? y1 : rowIndex(to.row)
    const range =
      cell === undefined || x2 === undefined || y2 === undefined
        ? undefined
        : {
            x: Math.min(cell[0], x2),
            y: Math.min(cell[1], y2),
            width: Math.abs(cell[0] - x2) + 1,
            height: Math.abs(cell[1] - y2) + 1,
          }
    return { peer, color: colors[index]!, cell, range }
  })
}

/** Glide highlight regions for the placed peers: a tinted range with a solid border. */
export function highlightsOf(placed: readonly PlacedPeer[]): Highlight[] {
  return placed.flatMap(({ color, range }) =>
    range === undefined ? [] : [{ color: `${color}26`, range, style: 'solid' as const }],
  )
}

/** Publishes the selection as presence: the active cell and the opposite corner of the range. */
export function publishSelection(
  conn: Connection,
  selection: GridSelection,
  columns: readonly Column[],
  model: { rowsFrom(index: number, count: number): readonly { id: string }[] },
): void {
  const current = selection.current
  const row = current === undefined ? undefined : model.rowsFrom(current.cell[1], 1)[0]
  const column = current === undefined ? undefined : columns[current.cell[0]]
  if (current === undefined || row === undefined || column === undefined) {
    conn.presence.setSelection(null)
    return
  }
  const { range, cell } = current
  const x = cell[0] === range.x ? range.x + range.width - 1 : range.x
  const y = cell[1] === range.y ? range.y + range.height - 1 : range.y
  const to = range.width * range.height > 1 ? model.rowsFrom(y, 1)[0] : undefined
  const toColumn = columns[x]
  conn.presence.setSelection(
    to === undefined || toColumn === undefined
      ? { row: row.id, column: column.name }
      : { row: row.id, column: column.name, to: { row: to.id, column: toColumn.name } },
  )
}
