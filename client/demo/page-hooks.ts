// Hooks of the demo page that are not about the grid: when the table is ready to show, undo keys
// outside text boxes, the connection's background errors, and the grid's scroll as an event.
import { useEffect, useMemo, useRef, useState } from 'react'
import type { Connection } from '../index.js'
import { isTextField } from './grid-handlers.js'
import type { Notices } from './notices.js'

/** Resolves once the stored copy is loaded and, for an empty one, the server answered (or not). */
export function useReady(conn: Connection | undefined, create: boolean): boolean {
  const [ready, setReady] = useState(false)
  useEffect(() => {
    if (conn === undefined) return
    let live = true
    let stop = (): void => undefined
    const firstAnswer = new Promise<void>((resolve) => {
      stop = conn.on('status', (status) => {
        if (status === 'synced' || status === 'offline') resolve()
      })
      if (conn.status === 'synced' || !conn.isOnline) resolve()
    })
    void firstAnswer.then(() => {
      stop()
    })
    void (async () => {
      await conn.whenLoaded()
      // A live query over the loaded rows is cheaper than one fed all rows by one transaction.
      if (conn.table.size === 0 && conn.isOnline) await firstAnswer
      if (!live) return
      if (create && conn.table.columns().length === 0) {
        conn.table.addColumn({ name: 'title', type: 'string' })
        conn.table.addColumn({ name: 'done', type: 'boolean', default: false })
      }
      setReady(true)
    })().catch(() => undefined)
    return () => {
      live = false
    }
  }, [conn, create])
  return ready
}

/** Undo and redo from the keyboard, except in text boxes, which undo their own typing. */
export function useUndoKeys(conn: Connection | undefined): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (conn === undefined || !(event.ctrlKey || event.metaKey) || isTextField(event.target))
        return
      const key = event.key.toLowerCase()
      if (key === 'z' && !event.shiftKey) conn.undo()
      else if ((key === 'z' && event.shiftKey) || key === 'y') conn.redo()
      else return
      event.preventDefault()
    }
    document.addEventListener('keydown', onKey)
    return () => {
      document.removeEventListener('keydown', onKey)
    }
  }, [conn])
}

/** Background errors of the connection as notices; a deleted table as `onDeleted`. */
export function useConnectionErrors(
  conn: Connection | undefined,
  notices: Notices,
  onDeleted: () => void,
) {
  const latest = useRef({ notices, onDeleted })
  latest.current = { notices, onDeleted }
  useEffect(
    () =>
      conn?.on('error', (error) => {
        if (error.code === 'TABLE_NOT_FOUND' && error.message.includes('was deleted'))
          latest.current.onDeleted()
        else latest.current.notices.error(error)
      }),
    [conn],
  )
}

/** A tiny event source for the grid's scroll, so overlays follow it without rendering the page. */
export function useScrollEvents() {
  return useMemo(() => {
    const listeners = new Set<() => void>()
    return {
      subscribe: (listener: () => void) => {
        listeners.add(listener)
        return () => void listeners.delete(listener)
      },
      emit: () => {
        listeners.forEach((listener) => {
          listener()
        })
      },
    }
  }, [])
}
