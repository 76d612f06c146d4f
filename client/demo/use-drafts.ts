// The typed values the table refused (S124), kept per cell until the user fixes or clears them:
// the grid shows them in red with the reason, and they never reach the table or other users.
import { useCallback, useState } from 'react'
import type { Draft } from './cells.js'
import type { DraftChanges } from './edits.js'

export interface Drafts {
  readonly byCell: ReadonlyMap<string, Draft>
  /** Applies what a write reported: new drafts, and drafts its written cells replace. */
  readonly apply: (changes: DraftChanges) => void
}

export function useDrafts(): Drafts {
  const [byCell, setByCell] = useState<ReadonlyMap<string, Draft>>(new Map())
  const apply = useCallback((changes: DraftChanges) => {
    if (changes.size === 0) return
    setByCell((current) => {
      const next = new Map(current)
      let changed = false
      for (const [key, draft] of changes) {
        if (draft === undefined ? next.delete(key) : next.get(key) !== draft) changed = true
        if (draft !== undefined) next.set(key, draft)
      }
      return changed ? next : current
    })
  }, [])
  return { byCell, apply }
}
