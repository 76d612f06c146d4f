// What one user sees of a table, kept in localStorage per table: the sort, hidden columns and
// column widths (by column id, so a rename keeps them), and the filter text (not kept). The
// query the live query runs follows from it.
import { useCallback, useEffect, useMemo, useState } from 'react'
import type { Column, Query, Where } from '../../src/index.js'

/** A sort on one column, by column id (a rename keeps it; the query uses the current name). */
export interface Sort {
  readonly columnId: string
  readonly direction: 'asc' | 'desc'
}

interface Stored {
  sort: Sort | null
  hidden: string[]
  widths: Record<string, number>
}

export interface ViewState extends Stored {
  readonly filter: string
  readonly setFilter: (text: string) => void
  readonly setSort: (sort: Sort | null) => void
  readonly setHidden: (columnId: string, isHidden: boolean) => void
  readonly showAll: () => void
  readonly setWidth: (columnId: string, width: number) => void
}

const read = (key: string): Stored => {
  try {
    const stored = JSON.parse(localStorage.getItem(key) ?? 'null') as Partial<Stored> | null
    return {
      sort: stored?.sort ?? null,
      hidden: stored?.hidden ?? [],
      widths: stored?.widths ?? {},
    }
  } catch {
    return { sort: null, hidden: [], widths: {} }
  }
}

/** The view of `table` for this browser. */
export function useViewState(table: string): ViewState {
  const key = `tessera-demo-view:${table}`
  const [stored, setStored] = useState(() => read(key))
  const [filter, setFilter] = useState('')
  useEffect(() => {
    localStorage.setItem(key, JSON.stringify(stored))
  }, [key, stored])
  const setSort = useCallback((sort: Sort | null) => {
    setStored((s) => ({ ...s, sort }))
  }, [])
  const setHidden = useCallback((columnId: string, isHidden: boolean) => {
    setStored((s) => ({
      ...s,
      hidden: isHidden ? [...s.hidden, columnId] : s.hidden.filter((id) => id !== columnId),
    }))
  }, [])
  const showAll = useCallback(() => {
    setStored((s) => ({ ...s, hidden: [] }))
  }, [])
  const setWidth = useCallback((columnId: string, width: number) => {
    setStored((s) => ({ ...s, widths: { ...s.widths, [columnId]: Math.round(width) } }))
  }, [])
  return useMemo(
    () => ({ ...stored, filter, setFilter, setSort, setHidden, showAll, setWidth }),
    [stored, filter, setSort, setHidden, showAll, setWidth],
  )
}

/**
 * The live query of a view: the filter as `contains` over the text columns, the sort by the
 * sorted column's current name. Without a sort the rows keep the manual order.
 */
export function queryOf(
  columns: readonly Column[],
  view: Pick<ViewState, 'sort' | 'filter'>,
): Query {
  const text = columns.filter((column) => column.type === 'string')
  const conditions: Where[] = text.map((column) => ({ [column.name]: { contains: view.filter } }))
  const where: Where | undefined =
    view.filter === '' || conditions.length === 0
      ? undefined
      : conditions.length === 1
        ? conditions[0]
        : { or: conditions }
  const sorted = columns.find((column) => column.id === view.sort?.columnId)
  return {
    ...(where === undefined ? {} : { where }),
    ...(sorted === undefined || view.sort === null
      ? {}
      : { orderBy: [[sorted.name, view.sort.direction]] }),
  }
}
