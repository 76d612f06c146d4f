// Driving the demo spreadsheet in Chromium: open it as a user, find and click cells of the canvas
// grid, read what a cell shows (from the grid's accessible copy of the visible cells, what a
// screen reader reads), and wait for the page's state. Never sleeps: every wait polls a state.
import type { Browser, Page } from 'playwright-core'
import { expect, onTestFinished } from 'vitest'

export interface OpenOptions {
  readonly user: string
  /** Adds the default columns (title, done) to an empty table. */
  readonly create?: boolean
  readonly role?: string
  /** A presence colour to start with (`#rrggbb`). */
  readonly color?: string
  readonly width?: number
  readonly height?: number
  /** `?mode=`: window keeps a big table in window mode (no whole table behind it, S177). */
  readonly mode?: 'window' | 'full'
  /** Runs on the new page before it loads the demo (to route its sockets, hold-socket.ts). */
  readonly beforeLoad?: (page: Page) => Promise<unknown>
}

/** The demo page state the tests read (window.demo, set by client/demo/workspace.tsx). */
interface DemoState {
  conn: {
    name: string
    status: string
    table: {
      getCell(id: string, column: string): unknown
      rowIds(): string[]
      listRows(): Record<string, unknown>[]
      insertRows(rows: object[]): string[]
      columns(): { name: string }[]
    }
    history: { canUndo: boolean }
    presence: { peers(): { user: { name: string }; selection: unknown }[] }
  }
  result: { total: number; offset: number; rows: { id: string }[] }
  selection: { current?: { cell: [number, number]; range: object } }
  columns: { name: string }[]
  api: { current: { cellBounds(col: number, row: number): Rect | undefined } }
}

interface Rect {
  x: number
  y: number
  width: number
  height: number
}

let counter = 0
/** A table name no other test uses. */
export const freshTable = (prefix = 'ui'): string =>
  `${prefix}-${process.pid}-${Date.now()}-${++counter}`

/** A user's own browser profile with the demo open on `table`, synced. */
export async function openDemo(
  browser: Browser,
  url: string,
  table: string,
  options: OpenOptions,
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 720 },
  })
  onTestFinished(() => context.close())
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url })
  if (options.color !== undefined) {
    const user = { id: `id-${options.user}`, name: options.user, color: options.color }
    await context.addInitScript((stored) => {
      localStorage.setItem('tessera-demo-user', stored)
    }, JSON.stringify(user))
  }
  const page = await context.newPage()
  page.on('pageerror', (error) => {
    throw error
  })
  // A browser dialog (prompt, alert, confirm) is a defect of the demo: none may open.
  page.on('dialog', (dialog) => {
    throw new Error(`the page opened a ${dialog.type()} dialog: ${dialog.message()}`)
  })
  const query = new URLSearchParams({ table, user: options.user })
  if (options.create === true) query.set('create', '1')
  if (options.role !== undefined) query.set('role', options.role)
  if (options.mode !== undefined) query.set('mode', options.mode)
  await options.beforeLoad?.(page)
  await page.goto(`${url}/?${query.toString()}`)
  await page.waitForFunction(() => (globalThis as { demo?: { ready?: boolean } }).demo?.ready)
  await page.waitForSelector('#status[data-status="synced"]')
  return page
}

/** Runs `read` on the page's demo state. */
export function demo<T>(page: Page, read: (state: DemoState) => T): Promise<T> {
  return page.evaluate<T>(`(${read.toString()})(globalThis.demo)`)
}

/** The index of a shown column by name. */
export async function columnIndex(page: Page, name: string): Promise<number> {
  const names = await demo(page, (d) => d.columns.map((column) => column.name))
  const index = names.indexOf(name)
  expect(index, `column ${name} among ${names.join(', ')}`).not.toBe(-1)
  return index
}

/** The cell's screen rectangle, once the grid has laid it out. */
export async function cellBounds(page: Page, row: number, column: string): Promise<Rect> {
  const col = await columnIndex(page, column)
  const find = `globalThis.demo.api.current.cellBounds(${col}, ${row})`
  await page.waitForFunction(`Number.isFinite(${find}?.x) && ${find}.height > 0`)
  return page.evaluate<Rect>(find)
}

/** Clicks a cell (in its middle, or at `x` from its left edge). */
export async function clickCell(
  page: Page,
  row: number,
  column: string,
  options: { modifiers?: ('Shift' | 'Control')[]; x?: number; clickCount?: number } = {},
): Promise<void> {
  const bounds = await cellBounds(page, row, column)
  const x = bounds.x + (options.x ?? bounds.width / 2)
  const y = bounds.y + bounds.height / 2
  for (const key of options.modifiers ?? []) await page.keyboard.down(key)
  await page.mouse.click(x, y, { clickCount: options.clickCount ?? 1 })
  for (const key of options.modifiers ?? []) await page.keyboard.up(key)
}

/**
 * Selects a cell by clicking it near its left edge (away from a checkbox, which a click
 * toggles) and waits until the grid holds the selection and the focus.
 */
export async function selectCell(page: Page, row: number, column: string): Promise<void> {
  const col = await columnIndex(page, column)
  // Glide counts two clicks within 500 ms anywhere as a double click, which opens the editor of
  // the selected cell: a cell the keyboard already moved to is not clicked again.
  const current = await selected(page)
  const hasFocus = await page.evaluate(
    () => document.querySelector('.grid-wrap')?.contains(document.activeElement) === true,
  )
  if (current?.[0] === col && current[1] === row && hasFocus) return
  await clickCell(page, row, column, { x: 6 })
  await expect.poll(() => selected(page)).toEqual([col, row])
  await waitGridFocus(page)
}

/** The active cell [column index, row index], or undefined. */
export const selected = (page: Page): Promise<[number, number] | undefined> =>
  demo(page, (d) => d.selection.current?.cell)

/** Waits until the keyboard goes to the grid (its canvas or its accessible cells). */
export const waitGridFocus = (page: Page): Promise<unknown> =>
  page
    .waitForFunction(
      () => document.querySelector('.grid-wrap')?.contains(document.activeElement) === true,
      undefined,
      { timeout: 10_000 },
    )
    .catch(async (error: unknown) => {
      const active = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200))
      throw new Error(`the grid does not have the focus; ${active ?? 'nothing'} has it`, {
        cause: error,
      })
    })

/**
 * What a cell shows, read from the grid's accessible table (Glide keeps it in step with the
 * canvas for the visible rows): text as is, checkboxes as "true"/"false"; undefined when the
 * row is not on screen.
 */
export async function shown(page: Page, row: number, column: string): Promise<string | undefined> {
  const col = await columnIndex(page, column)
  const cell = page.locator(`#glide-cell-${col + 1}-${row}`)
  return (await cell.count()) === 0 ? undefined : ((await cell.textContent()) ?? '')
}

/** The table's value of a cell, by view position. */
export async function valueAt(page: Page, row: number, column: string): Promise<unknown> {
  return page.evaluate(
    ([index, name]) => {
      const d = (globalThis as unknown as { demo: DemoState }).demo
      const id = d.result.rows[index - d.result.offset]?.id
      return id === undefined ? 'not loaded' : (d.conn.table.getCell(id, name) ?? null)
    },
    [row, column] as const,
  )
}

/** Waits for the saved indicator to say every change is on the server. */
export const waitSaved = (page: Page): Promise<unknown> =>
  page.waitForSelector('#saved[data-unsaved="0"]')

/** Inserts rows through the page's table (a shortcut for setting up a test). */
export async function insertRows(page: Page, rows: object[]): Promise<void> {
  const before = await demo(page, (d) => d.result.total)
  await page.evaluate((list) => {
    ;(globalThis as unknown as { demo: DemoState }).demo.conn.table.insertRows(list)
  }, rows)
  await expect.poll(() => demo(page, (d) => d.result.total)).toBe(before + rows.length)
}

/** The screen rectangle of a column's header. */
export async function headerBounds(page: Page, column: string): Promise<Rect> {
  const col = await columnIndex(page, column)
  const find = `globalThis.demo.api.current.headerBounds(${col})`
  await page.waitForFunction(`Number.isFinite(${find}?.x)`)
  return page.evaluate<Rect>(find)
}

/** Opens a column's menu from the button at the right end of its header (shown on hover). */
export async function openColumnMenu(page: Page, column: string): Promise<void> {
  const bounds = await headerBounds(page, column)
  await page.mouse.move(bounds.x + bounds.width / 2, bounds.y + bounds.height / 2)
  await page.mouse.click(bounds.x + bounds.width - 14, bounds.y + bounds.height / 2)
  await page.waitForSelector('.column-menu')
}
