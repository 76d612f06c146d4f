// The whole table, loaded behind the window of a big table (S177): a full replica opened once
// the first window is painted (its offline copy, then the server's join in slices, S175–S176),
// how far it got, and whether the page may switch to it. Knows no grid.
import { useEffect, useMemo, useState } from 'react'
import type { Connection, ConnectTableOptions } from '../index.js'
import { useConnection } from '../react/index.js'
import type { Session } from './session.js'
import { storeNameOf } from './table-actions.js'

/** The full replica loading behind a window, and how far it got. */
export interface WholeTable {
  readonly conn: Connection | undefined
  /** Rows in the replica against the rows the server reported, 0–100 (99 until synced). */
  readonly percent: number
  /** The replica holds the whole table (its first sync with the server is done). */
  readonly isSynced: boolean
}

/** The options of the demo's full replica of `session.table` (as the full page opens it). */
export function fullOptions(session: Session): ConnectTableOptions {
  return {
    url: location.origin,
    table: session.table,
    offline: { name: storeNameOf(session.table) },
    user: session.user,
    ...(session.login === undefined ? {} : { token: session.login.token }),
    connect: localStorage.getItem(`tessera-demo-offline:${session.table}`) !== '1',
  }
}

/**
 * Opens the full replica of `session.table` once `isWanted` (the first window is painted) and
 * follows its progress against `rowCount`.
 */
export function useWholeTable(
  session: Session,
  isWanted: boolean,
  rowCount: number | undefined,
): WholeTable {
  const options = useMemo(() => (isWanted ? fullOptions(session) : null), [session, isWanted])
  const conn = useConnection(options)
  const [isSynced, setSynced] = useState(false)
  const [rows, setRows] = useState(0)
  useEffect(() => {
    if (conn === undefined) return undefined
    let isLive = true
    conn.whenSynced().then(
      () => {
        if (isLive) setSynced(true)
      },
      () => undefined,
    )
    // Read once per frame at most: slices arrive faster than the page paints.
    let frame: number | undefined
    const stop = conn.table.on('change', () => {
      frame ??= requestAnimationFrame(() => {
        frame = undefined
        if (isLive) setRows(conn.table.size)
      })
    })
    return () => {
      isLive = false
      stop()
      if (frame !== undefined) cancelAnimationFrame(frame)
    }
  }, [conn])
  const total = Math.max(1, rowCount ?? rows)
  const percent = isSynced ? 100 : Math.min(99, Math.floor((rows / total) * 100))
  return { conn, percent, isSynced }
}
