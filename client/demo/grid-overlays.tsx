// What the demo draws over the canvas grid: the name tags of the other users at their active
// cells, the note of the selected cell (a refused value's reason, a conflict) and the hint of an
// empty table. Positions follow the grid as it scrolls.
import { useEffect, useState, type ReactNode, type RefObject } from 'react'
import type { DataEditorRef } from '@glideapps/glide-data-grid'
import type { PlacedPeer } from './peers.js'

/** Subscribes to the grid's scroll (visible region) changes; returns the unsubscribe. */
export type OnScroll = (listener: () => void) => () => void

interface Position {
  readonly left: number
  readonly top: number
  readonly width: number
  readonly height: number
}

/** Where a cell is inside the grid's container, or undefined when it is off screen. */
function useCellPosition(
  grid: RefObject<DataEditorRef | null>,
  container: RefObject<HTMLElement | null>,
  onScroll: OnScroll,
  cell: readonly [number, number] | undefined,
): Position | undefined {
  const [position, setPosition] = useState<Position>()
  const col = cell?.[0]
  const row = cell?.[1]
  useEffect(() => {
    const place = (): void => {
      const bounds = col === undefined ? undefined : grid.current?.getBounds(col, row)
      const box = container.current?.getBoundingClientRect()
      if (bounds === undefined || box === undefined || bounds.y < box.y || bounds.y > box.bottom) {
        setPosition(undefined)
        return
      }
      const left = bounds.x - box.x
      const top = bounds.y - box.y
      setPosition((p) =>
        p?.left === left && p.top === top && p.width === bounds.width
          ? p
          : { left, top, width: bounds.width, height: bounds.height },
      )
    }
    place()
    return onScroll(place)
  }, [grid, container, onScroll, col, row])
  return position
}

interface OverlayProps {
  readonly grid: RefObject<DataEditorRef | null>
  readonly container: RefObject<HTMLElement | null>
  readonly onScroll: OnScroll
}

function PeerTag({ placed, ...props }: OverlayProps & { placed: PlacedPeer }) {
  const position = useCellPosition(props.grid, props.container, props.onScroll, placed.cell)
  if (position === undefined) return null
  return (
    <span
      className="peer-tag"
      data-peer={placed.peer.user.name}
      style={{ left: position.left, top: position.top - 16, background: placed.color }}
    >
      {placed.peer.user.name}
    </span>
  )
}

/** A name tag over each other user's active cell, in that user's colour. */
export function PeerTags({ placed, ...props }: OverlayProps & { placed: readonly PlacedPeer[] }) {
  return (
    <>
      {placed.map((one) => (
        <PeerTag key={one.peer.clientId} placed={one} {...props} />
      ))}
    </>
  )
}

/** A note under a cell: why its value was refused, or whose write overwrote it. */
export function CellNote({
  cell,
  kind,
  children,
  ...props
}: OverlayProps & {
  cell: readonly [number, number] | undefined
  kind: 'error' | 'conflict'
  children: ReactNode
}) {
  const position = useCellPosition(props.grid, props.container, props.onScroll, cell)
  if (position === undefined) return null
  return (
    <div
      className={`cell-note ${kind}`}
      role={kind === 'error' ? 'alert' : 'note'}
      style={{ left: position.left, top: position.top + position.height + 2 }}
    >
      {children}
    </div>
  )
}

/** The hint of a table without rows (or without matches, or without columns). */
export function EmptyState({ reason }: { reason: 'no-columns' | 'no-rows' | 'no-matches' }) {
  const text = {
    'no-columns': 'This table has no columns yet. Add one with “Add column” above.',
    'no-rows':
      'This table is empty. Type into the first row (click “+ New row”), press “Add row”, or paste cells copied from a spreadsheet with Ctrl+V.',
    'no-matches': 'No rows match the filter.',
  }[reason]
  return (
    <div className="empty-state" role="status">
      {text}
    </div>
  )
}
