// The model of the partial-sync merge property: every edit a client made and that its API
// accepted, kept per cell with its writer. What it asserts catches a write that was silently
// dropped, which a comparison with the merge of the updates actually sent cannot: a value that
// no other client ever wrote over must be in the final cells, a row no one deleted must exist,
// and a row someone deleted must not (S3).
import type { Row } from '../../src/index.js'

type Cell = string | number | boolean | null

/** What a run's clients did, in command order. */
export interface MergeModel {
  /**
   * Client `client` wrote `cells` to row `id` (an insert writes every cell it names); `'seed'`
   * for what every client had before the first command (any later write overrides it).
   */
  wrote(client: number | 'seed', id: string, cells: Record<string, Cell>): void
  inserted(id: string): void
  deleted(id: string): void
  /**
   * The differences between `rows` (a replica's final rows) and the model; empty when none.
   * `isWindow`: the rows are a window's, so rows outside it are not missing.
   */
  check(rows: readonly Row[], isWindow?: boolean): string[]
}

/** A model with nothing written yet. */
export function createMergeModel(): MergeModel {
  /** Per row, per column: the clients that wrote it after the seed, and the last value written. */
  const cells = new Map<string, Map<string, { writers: Set<number>; value: Cell }>>()
  const rows = new Set<string>()
  const gone = new Set<string>()
  return {
    wrote(client, id, written) {
      let row = cells.get(id)
      if (row === undefined) cells.set(id, (row = new Map()))
      for (const [column, value] of Object.entries(written)) {
        const cell = row.get(column) ?? { writers: new Set<number>(), value }
        if (client === 'seed') cell.writers.clear()
        else cell.writers.add(client)
        cell.value = value
        row.set(column, cell)
      }
    },
    inserted(id) {
      rows.add(id)
    },
    deleted(id) {
      gone.add(id)
    },
    check(final, isWindow = false) {
      const byId = new Map(final.map((row) => [row.id as string, row]))
      const problems: string[] = []
      for (const id of gone) if (byId.has(id)) problems.push(`row ${id} was deleted but is there`)
      for (const id of isWindow ? [] : rows)
        if (!gone.has(id) && !byId.has(id)) problems.push(`row ${id} was inserted but is missing`)
      for (const [id, row] of cells) {
        const shown = byId.get(id)
        if (gone.has(id) || shown === undefined) continue
        for (const [column, { writers, value }] of row) {
          // Written after the seed by one client at most: its last value has no rival (S1, S2).
          if (writers.size <= 1 && shown[column] !== value)
            problems.push(
              `row ${id}.${column}: ${JSON.stringify(value)} was written, ${JSON.stringify(shown[column])} is there`,
            )
        }
      }
      return problems
    },
  }
}
