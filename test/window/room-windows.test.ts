// The window side of one room: one sort index per distinct (where, orderBy), shared by every
// window on it, kept while used and dropped after indexIdleMs unused. The room is reduced to what
// the window side reads of it (its doc, and durability callbacks that run at once).
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { roomWindowsOf } from '../../server/windows/room-windows.js'
import type { Room } from '../../server/room.js'
import { createTable } from '../../src/index.js'

function roomWith(count: number): Room {
  const doc = new Y.Doc()
  const table = createTable({
    doc,
    columns: [
      { name: 'title', type: 'string' },
      { name: 'n', type: 'number' },
    ],
  })
  table.insertRows(Array.from({ length: count }, (_, n) => ({ title: `r${n}`, n })))
  return { doc, afterDurable: (callback: () => void) => callback() } as unknown as Room
}

afterEach(() => {
  vi.useRealTimers()
})

describe('room windows', () => {
  it('shares one sort index per (where, orderBy) and drops it after indexIdleMs unused', () => {
    vi.useFakeTimers()
    const room = roomWith(100)
    const windows = roomWindowsOf(room, { indexIdleMs: 1000 })
    expect(roomWindowsOf(room, { indexIdleMs: 1000 })).toBe(windows)
    const byN = { orderBy: [['n', 'desc']] as [['n', 'desc']] }
    const a = windows.acquire(byN)
    const b = windows.acquire({ orderBy: [['n', 'desc']] })
    expect(b.index).toBe(a.index)
    const c = windows.acquire({ where: { n: { gt: 50 } }, orderBy: [['n', 'desc']] })
    expect(c.index).not.toBe(a.index)
    expect(windows.indexCount).toBe(2)
    a.release()
    a.release()
    vi.advanceTimersByTime(5000)
    expect(windows.indexCount).toBe(2)
    b.release()
    vi.advanceTimersByTime(999)
    expect(windows.indexCount).toBe(2)
    // Taken again before the timer ran: kept.
    const again = windows.acquire(byN)
    expect(again.index).toBe(a.index)
    vi.advanceTimersByTime(5000)
    expect(windows.indexCount).toBe(2)
    again.release()
    c.release()
    vi.advanceTimersByTime(1000)
    expect(windows.indexCount).toBe(0)
    expect(windows.acquire(byN).index).not.toBe(a.index)
  })

  it('drops every index with the room doc', () => {
    const room = roomWith(10)
    const windows = roomWindowsOf(room, { indexIdleMs: 1000 })
    windows.acquire({ orderBy: [['n', 'asc']] })
    room.doc.destroy()
    expect(windows.indexCount).toBe(0)
  })
})
