// One query's result over a table, shared by every window on it: the matching rows ordered by
// sort code (src/query/matching-rows.ts), built in bounded steps so a million rows never stop the
// server for seconds, then kept up to date per transaction. Knows no connection or wire format.
import { TesseraError, isTesseraError } from '../errors.js'
import type { RowId } from '../ids.js'
import { createMatchingRows, sortCodeOf } from '../query/matching-rows.js'
import { parseQuery } from '../query/parse-query.js'
import { matchesCondition } from '../query/query-match.js'
import type { ParsedQuery, Query } from '../query/query.js'
import type { TableChange } from '../row.js'
import type { Touch } from '../query/window-ranks.js'
import type { DocRows } from './doc-rows.js'
import { createSliceSort } from './slice-sort.js'
import { topRows } from './top-rows.js'

/** What a sort index tells the windows on it. */
export type IndexEvent =
  /** A transaction changed the result: the touched rows with their ranks before and after. */
  | { readonly kind: 'change'; readonly touches: readonly Touch[]; readonly previousTotal: number }
  /** The index was (re)built: every window reads its rows again. */
  | { readonly kind: 'ready' }
  /** The schema changed: the query is being evaluated again, or cannot run (`error`). */
  | { readonly kind: 'reset' }

export interface SortIndexOptions {
  /** Runs `run` later, between build steps (the server passes setImmediate). */
  schedule(run: () => void): void
  /** Rows read, or sort codes sorted, per build step; default 20,000. */
  stepSize?: number
}

/** The result of one query (`where` and `orderBy`) over a table's rows. */
export interface SortIndex {
  /** Set while the query does not fit the schema (S22); the index is empty then. */
  readonly error: TesseraError | undefined
  /** False while the index is being built (rank reads wait for `ready`). */
  readonly isReady: boolean
  /** The number of matching rows (once ready). */
  readonly total: number
  /** The ids of the rows ranked `start` to `end` (exclusive), once ready. */
  idsIn(start: number, end: number): RowId[]
  /** The first `count` rows and the total, read from scratch (before the index is ready). */
  top(count: number): { ids: RowId[]; total: number }
  subscribe(listener: (event: IndexEvent) => void): () => void
  dispose(): void
}

/**
 * Starts building the index of `query` (its where and orderBy; window fields are ignored) over
 * `source`. A query that does not fit the schema gives an index in the error state (S22).
 */
export function createSortIndex(
  source: DocRows,
  query: Query,
  options: SortIndexOptions,
): SortIndex {
  const input: Query = {
    ...(query.where === undefined ? {} : { where: query.where }),
    ...(query.orderBy === undefined ? {} : { orderBy: query.orderBy }),
  }
  const steps = stepsOf(options)
  const matching = createMatchingRows(source)
  const listeners = new Set<(event: IndexEvent) => void>()
  let parsed: ParsedQuery | undefined
  let error: TesseraError | undefined
  let isReady = false
  // Bumped by every (re)build and by dispose, so a stale build's steps stop.
  let generation = 0
  // Rows touched while building: read again once the built index is installed.
  let touchedMeanwhile = new Set<RowId>()

  const emit = (event: IndexEvent): void => {
    for (const listener of [...listeners]) listener(event)
  }

  const build = (): void => {
    const current = ++generation
    isReady = false
    touchedMeanwhile = new Set()
    matching.clear()
    const next = parseOrError(input, source)
    if (next instanceof TesseraError) {
      parsed = undefined
      error = next
      return
    }
    parsed = next
    error = undefined
    const isCurrent = (): boolean => current === generation
    readInSteps(source, next, steps, isCurrent, (entries, codes) => {
      sortInSteps(codes, steps, isCurrent, (sorted) => {
        matching.load(next, entries, sorted)
        const touched = touchedMeanwhile
        touchedMeanwhile = new Set()
        if (touched.size > 0) matching.apply(changeOf(touched), new Map())
        isReady = true
        emit({ kind: 'ready' })
      })
    })
  }

  const onChange = (change: TableChange): void => {
    if (change.schemaChanged) {
      build()
      emit({ kind: 'reset' })
      return
    }
    if (parsed === undefined) return
    if (!isReady) {
      for (const id of change.updated.keys()) touchedMeanwhile.add(id)
      return
    }
    const previousTotal = matching.size
    const touches = matching.apply(change, new Map())
    emit({ kind: 'change', touches, previousTotal })
  }
  const stop = source.on('change', onChange)
  build()

  return {
    get error() {
      return error
    },
    get isReady() {
      return isReady
    },
    get total() {
      return matching.size
    },
    idsIn: (start, end) => matching.idsIn(start, end),
    top(count) {
      if (parsed === undefined) return { ids: [], total: 0 }
      return topRows(source, parsed, count)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    dispose() {
      generation++
      stop()
      listeners.clear()
      matching.clear()
    },
  }
}

/** How a build runs: `size` rows (or sort work) per step, each step scheduled apart. */
interface Steps {
  readonly size: number
  readonly schedule: (run: () => void) => void
}

/** The steps `options` ask for: 20,000 rows a step by default. */
const stepsOf = (options: SortIndexOptions): Steps => ({
  size: options.stepSize ?? 20_000,
  schedule: (run) => {
    options.schedule(run)
  },
})

/**
 * Reads the rows of `source` that match `query` in steps and hands their sort codes to `done`;
 * stops as soon as `isCurrent` is false (a newer build or dispose).
 */
function readInSteps(
  source: DocRows,
  query: ParsedQuery,
  steps: Steps,
  isCurrent: () => boolean,
  done: (entries: Map<RowId, string>, codes: string[]) => void,
): void {
  const cursor = source.rowCursor(query.columns)
  const entries = new Map<RowId, string>()
  const codes: string[] = []
  const readStep = (): void => {
    if (!isCurrent()) return
    const hasMore = cursor(steps.size, (row, position) => {
      // A key visited twice (written during the build) keeps its first code: it was touched,
      // so it is read again once the index is installed.
      if (!matchesCondition(query.where, row) || entries.has(row.id)) return
      const code = sortCodeOf(query, row, position)
      entries.set(row.id, code)
      codes.push(code)
    })
    if (hasMore) steps.schedule(readStep)
    else done(entries, codes)
  }
  steps.schedule(readStep)
}

/** Sorts `codes` in steps (the first one at once) and hands the result to `done`, unless stale. */
function sortInSteps(
  codes: string[],
  steps: Steps,
  isCurrent: () => boolean,
  done: (sorted: string[]) => void,
): void {
  const sort = createSliceSort(codes)
  const step = (): void => {
    if (!isCurrent()) return
    if (!sort.step(steps.size)) {
      steps.schedule(step)
      return
    }
    done(sort.sorted())
  }
  step()
}

/** A change that marks `touched` rows as updated, to be read again. */
function changeOf(touched: Set<RowId>): TableChange {
  const none = new Set<RowId>()
  const updated = new Map<RowId, ReadonlySet<never>>()
  for (const id of touched) updated.set(id, new Set())
  return {
    source: 'remote',
    origin: undefined,
    added: none,
    deleted: none,
    updated,
    moved: none,
    schemaChanged: false,
  }
}

function parseOrError(input: Query, source: DocRows): ParsedQuery | TesseraError {
  try {
    return parseQuery(input, source.columns())
  } catch (caught) {
    if (!isTesseraError(caught, 'INVALID_QUERY')) throw caught
    return caught
  }
}
