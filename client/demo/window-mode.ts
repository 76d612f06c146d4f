// Which way the demo opens a table: a full replica (connectTable, every feature) up to
// `windowThreshold` rows, a window client (connectQuery, only the rows in view) above it. The
// page asks the server's REST API for the row count first; `?mode=full|window` overrides it,
// and the last choice per table is kept for when the server cannot be reached (offline).
import { useEffect, useState } from 'react'
import type { Session } from './session.js'

/**
 * Tables with more rows than this open in window mode. At 20,000 rows × 10 columns the whole
 * document is about 1.8 MB and opens in under half a second (docs/benchmarks.md); a full
 * replica's cost grows with the table, a window's does not.
 */
export const windowThreshold = 20_000

/** How the page opens the table, and the row count the server gave (when it answered). */
export interface TableMode {
  readonly mode: 'full' | 'window'
  readonly rowCount: number | undefined
}

const keyOf = (table: string): string => `tessera-demo-mode:${table}`

/** The mode for a table of `rowCount` rows (undefined: the server did not say). */
export function modeFor(rowCount: number | undefined, remembered: string | null): TableMode {
  const asked = new URLSearchParams(location.search).get('mode')
  if (asked === 'full' || asked === 'window') return { mode: asked, rowCount }
  if (rowCount === undefined) return { mode: remembered === 'window' ? 'window' : 'full', rowCount }
  return { mode: rowCount > windowThreshold ? 'window' : 'full', rowCount }
}

/** Asks the server for the table's row count, then picks the mode; undefined until then. */
export function useTableMode(session: Session): TableMode | undefined {
  const [mode, setMode] = useState<TableMode>()
  useEffect(() => {
    let isCurrent = true
    const decide = (rowCount: number | undefined): void => {
      const chosen = modeFor(rowCount, localStorage.getItem(keyOf(session.table)))
      if (rowCount !== undefined) localStorage.setItem(keyOf(session.table), chosen.mode)
      if (isCurrent) setMode(chosen)
    }
    session
      .api(`/tables/${encodeURIComponent(session.table)}`)
      .then(async (response) => {
        // 404: a table nobody wrote yet, which is empty.
        if (response.status === 404) return 0
        if (!response.ok) return undefined
        const body = (await response.json()) as { rowCount?: unknown }
        return typeof body.rowCount === 'number' ? body.rowCount : undefined
      })
      .catch(() => undefined)
      .then(decide, () => {
        decide(undefined)
      })
    return () => {
      isCurrent = false
    }
  }, [session])
  return mode
}
