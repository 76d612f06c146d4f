// The demo spreadsheet in real Chromium (Debian's), driven by playwright-core: two users (two
// browser contexts, so two IndexedDBs) collaborate on one table through a real server.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { buildDemo, repoRoot, startDemoServer, type DemoServer } from './demo-server.js'

const screenshots = join(repoRoot, 'test-results/browser')
let browser: Browser
let server: DemoServer
let tableCounter = 0

beforeAll(async () => {
  buildDemo()
  mkdirSync(screenshots, { recursive: true })
  server = await startDemoServer()
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const freshTable = (): string => `browser-${process.pid}-${Date.now()}-${++tableCounter}`

/** A user's own browser profile (context) with the demo open on `table`. */
async function openDemo(table: string, user: string): Promise<Page> {
  const context: BrowserContext = await browser.newContext({
    viewport: { width: 1200, height: 700 },
  })
  onTestFinished(() => context.close())
  const page = await context.newPage()
  page.on('pageerror', (error) => {
    throw error
  })
  await page.goto(`${server.url}/?table=${table}&create=1&user=${user}`)
  await page.waitForSelector('body[data-loaded="true"]')
  await page.waitForSelector('#status[data-status="synced"]')
  await page.waitForSelector('.head-cell[data-column="title"]')
  return page
}

const cell = (page: Page, row: string, column: string) =>
  page.locator(`.cell[data-row="${row}"][data-column="${column}"]`)

/** A cell's value as shown, without the name labels of the peers who selected it. */
const shown = (page: Page, row: string, column: string): Promise<string> =>
  cell(page, row, column).evaluate((element) =>
    element.firstChild?.nodeType === Node.TEXT_NODE ? (element.firstChild.textContent ?? '') : '',
  )

/** Adds a row through the toolbar and types `text` into its title cell; returns the row id. */
async function addRow(page: Page, text: string): Promise<string> {
  const before = await page.locator('.grid-row').count()
  await page.click('#add-row')
  await expect.poll(() => page.locator('.grid-row').count()).toBe(before + 1)
  const row = await page.locator('.cell.selected').getAttribute('data-row')
  await editCell(page, row!, 'title', text)
  return row!
}

async function editCell(page: Page, row: string, column: string, text: string): Promise<void> {
  await cell(page, row, column).dblclick()
  const input = cell(page, row, column).locator('input')
  await input.fill(text)
  await input.press('Enter')
  await expect.poll(() => shown(page, row, column)).toBe(text)
}

async function setOnline(page: Page, online: boolean): Promise<void> {
  await page.locator('#online').setChecked(online)
  await page.waitForSelector(`#status[data-status="${online ? 'synced' : 'offline'}"]`)
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, `${name}.png`) })
}

describe('the demo spreadsheet in Chromium', () => {
  it('two pages edit one table and see each other edits and selected cells', async () => {
    const table = freshTable()
    const ada = await openDemo(table, 'Ada')
    const bo = await openDemo(table, 'Bo')
    const row = await addRow(ada, 'hello from Ada')
    await expect.poll(() => shown(bo, row, 'title')).toBe('hello from Ada')

    await cell(bo, row, 'done').click()
    await expect.poll(() => cell(ada, row, 'done').getAttribute('class')).toContain('peer-selected')
    await expect.poll(() => cell(ada, row, 'done').locator('.peer-label').textContent()).toBe('Bo')
    await cell(bo, row, 'done').dblclick()
    await expect.poll(() => shown(ada, row, 'done')).toContain('true')
    await expect.poll(() => ada.locator('#peers').textContent()).toContain('Bo')
    await expect.poll(() => ada.locator('#saved').textContent()).toBe('All changes saved')
    await shoot(ada, 'two-pages-ada')
    await shoot(bo, 'two-pages-bo')
  })

  it('S46: a page goes offline, edits, reloads, comes back online, and the other page gets the edits', async () => {
    const table = freshTable()
    const ada = await openDemo(table, 'Ada')
    const bo = await openDemo(table, 'Bo')
    const row = await addRow(ada, 'before')
    await expect.poll(() => shown(bo, row, 'title')).toBe('before')

    await setOnline(ada, false)
    await editCell(ada, row, 'title', 'edited offline')
    const second = await addRow(ada, 'added offline')
    await expect.poll(() => ada.locator('#saved').getAttribute('data-unsaved')).not.toBe('0')
    await ada.evaluate(() =>
      (
        window as never as { demo: { conn: { whenStored(): Promise<void> } } }
      ).demo.conn.whenStored(),
    )
    await shoot(ada, 'offline-before-reload')

    await ada.reload()
    await ada.waitForSelector('body[data-loaded="true"]')
    await expect.poll(() => shown(ada, row, 'title')).toBe('edited offline')
    await expect.poll(() => shown(ada, second, 'title')).toBe('added offline')
    expect(await ada.locator('#status').getAttribute('data-status')).toBe('offline')
    expect(await ada.locator('#saved').getAttribute('data-unsaved')).not.toBe('0')
    expect(await shown(bo, row, 'title')).toBe('before')

    await setOnline(ada, true)
    await expect.poll(() => shown(bo, row, 'title')).toBe('edited offline')
    await expect.poll(() => shown(bo, second, 'title')).toBe('added offline')
    await expect.poll(() => ada.locator('#saved').textContent()).toBe('All changes saved')
    await shoot(bo, 'offline-edits-received')
  })

  it('S44: undo removes only the page own edit', async () => {
    const table = freshTable()
    const ada = await openDemo(table, 'Ada')
    const bo = await openDemo(table, 'Bo')
    const row = await addRow(ada, 'original')
    await expect.poll(() => shown(bo, row, 'title')).toBe('original')
    await editCell(ada, row, 'title', 'changed by Ada')
    await cell(bo, row, 'done').dblclick()
    await expect.poll(() => shown(ada, row, 'done')).toBe('true')

    await ada.click('#undo')
    await expect.poll(() => shown(ada, row, 'title')).toBe('original')
    await expect.poll(() => shown(bo, row, 'title')).toBe('original')
    expect(await shown(ada, row, 'done')).toBe('true')
    expect(await shown(bo, row, 'done')).toBe('true')
    await shoot(ada, 'undo')
  })

  it('S40: a conflict is shown on the page whose concurrent edit lost', async () => {
    const table = freshTable()
    const ada = await openDemo(table, 'Ada')
    const bo = await openDemo(table, 'Bo')
    const row = await addRow(ada, 'base')
    await expect.poll(() => shown(bo, row, 'title')).toBe('base')
    await setOnline(ada, false)
    await setOnline(bo, false)
    await editCell(ada, row, 'title', 'Ada was here')
    await editCell(bo, row, 'title', 'Bo was here')
    await setOnline(ada, true)
    await setOnline(bo, true)
    await expect
      .poll(async () => (await shown(ada, row, 'title')) === (await shown(bo, row, 'title')))
      .toBe(true)
    const conflicts = async () =>
      (await ada.locator('.cell.conflict').count()) + (await bo.locator('.cell.conflict').count())
    await expect.poll(conflicts).toBe(1)
    const loser = (await ada.locator('.cell.conflict').count()) === 1 ? ada : bo
    await expect
      .poll(() => loser.locator('.conflict-item').textContent())
      .toContain('was overwritten by')
    await shoot(loser, 'conflict')
    await loser.click('.conflict-item button:has-text("Keep mine")')
    await expect.poll(() => loser.locator('.cell.conflict').count()).toBe(0)
  })

  it('renders a large table as a small window of rows that follows the scroll', async () => {
    const table = freshTable()
    const ada = await openDemo(table, 'Ada')
    await ada.evaluate(() => {
      const { conn } = (
        window as never as { demo: { conn: { table: { insertRows(rows: object[]): void } } } }
      ).demo
      conn.table.insertRows(Array.from({ length: 5000 }, (_, i) => ({ title: `Row ${i + 1}` })))
    })
    await expect.poll(() => ada.locator('#count').textContent()).toBe('5,000 rows')
    expect(await ada.locator('.grid-row').count()).toBeLessThan(80)
    await ada.locator('#grid-body').evaluate((body) => (body.scrollTop = body.scrollHeight))
    await expect
      .poll(() => ada.locator('.grid-row .cell[data-column="title"]').last().textContent())
      .toBe('Row 5000')
    expect(await ada.locator('.grid-row').count()).toBeLessThan(80)
    await ada.click('.head-cell[data-column="title"]')
    await ada.click('.head-cell[data-column="title"]')
    await ada.locator('#grid-body').evaluate((body) => (body.scrollTop = 0))
    await expect
      .poll(() => ada.locator('.grid-row .cell[data-column="title"]').first().textContent())
      .toBe('Row 999')
    await ada.fill('#filter', 'Row 42')
    await expect.poll(() => ada.locator('#count').textContent()).toBe('111 rows')
    await shoot(ada, 'large-table-filtered')
  })
})
