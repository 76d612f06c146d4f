// The demo logged in through dev login (docs/security.md) on a server with auth and rules, in
// real Chromium: an editor's edits reach a reader, whose grid is read-only (S57–S58); the row
// history names who changed a cell; only an admin deletes a table (S117).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  freshTable,
  insertRows,
  openDemo,
  selectCell,
  shown,
  valueAt,
  waitSaved,
} from './demo-page.js'
import {
  buildDemo,
  launchChromium,
  repoRoot,
  startDemoServer,
  type DemoServer,
} from './demo-server.js'

const screenshots = join(repoRoot, 'test-results/browser')

let browser: Browser
let server: DemoServer

beforeAll(async () => {
  buildDemo()
  server = await startDemoServer({
    auth: { secret: 'a browser test secret that is long enough for HS256' },
    devLogin: true,
    rules: { '*': { read: ['authenticated'], write: ['editor', 'admin'], admin: ['admin'] } },
  })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const open = (table: string, user: string, role: string, create = false): Promise<Page> =>
  openDemo(browser, server.url, table, { user, role, create })

async function edit(page: Page, row: number, column: string, text: string): Promise<void> {
  await selectCell(page, row, column)
  await page.keyboard.type(text)
  await page.keyboard.press('Enter')
  await expect.poll(() => valueAt(page, row, column)).toBe(text)
  await waitSaved(page)
}

describe('the demo with dev login', () => {
  it('S56: logs in as a named user with a role; S58: a reader sees a read-only grid', async () => {
    const table = freshTable('login')
    const admin = await open(table, 'Ed', 'admin', true)
    expect(await admin.locator('#role').inputValue()).toBe('admin')
    await expect.poll(() => admin.locator('#peers').textContent()).toContain('Ed (you)')
    await insertRows(admin, [{ title: 'x' }])
    await edit(admin, 0, 'title', 'from Ed')
    expect(await admin.locator('#access').count()).toBe(0)

    const reader = await open(table, 'Rita', 'reader')
    expect(await reader.locator('#role').inputValue()).toBe('reader')
    await expect.poll(() => shown(reader, 0, 'title')).toBe('from Ed')
    await expect.poll(() => reader.locator('#access').isVisible()).toBe(true)
    await selectCell(reader, 0, 'title')
    await reader.keyboard.type('x')
    await reader.keyboard.press('Enter')
    await reader.keyboard.press('Delete')
    // Enter opens a viewer of the cell, with no text box to type into.
    expect(await reader.locator('#portal textarea:not([disabled])').count()).toBe(0)
    expect(await valueAt(reader, 0, 'title')).toBe('from Ed')
    expect(await reader.locator('#add-row').isDisabled()).toBe(true)
    expect(await reader.locator('#delete-table').isDisabled()).toBe(true)
    expect(await reader.locator('#add-column button').isDisabled()).toBe(true)
    expect(await reader.locator('.notice').count()).toBe(0)
    expect(await reader.locator('#saved').getAttribute('data-unsaved')).toBe('0')
    mkdirSync(screenshots, { recursive: true })
    await reader.screenshot({ path: join(screenshots, 'reader-read-only.png') })
    // Edits keep flowing from the admin to the reader.
    await insertRows(admin, [{ title: 'second' }])
    await expect.poll(() => shown(reader, 1, 'title')).toBe('second')
  })

  it('S54: the history panel says who changed the selected cell, and when', async () => {
    const table = freshTable('history')
    const ada = await open(table, 'Ada', 'admin', true)
    await insertRows(ada, [{ title: 'first' }])
    await waitSaved(ada)
    const bo = await open(table, 'Bo', 'editor')
    await expect.poll(() => shown(bo, 0, 'title')).toBe('first')
    await edit(bo, 0, 'title', 'changed by Bo')
    await expect.poll(() => valueAt(ada, 0, 'title')).toBe('changed by Bo')

    await selectCell(ada, 0, 'title')
    await ada.click('#toggle-history')
    const summary = ada.locator('.history-summary')
    await expect
      .poll(() => summary.textContent())
      .toMatch(/title: last changed by Bo, .*(now|second)/)
    const entries = ada.locator('.history-list li')
    await expect
      .poll(() => entries.allTextContents())
      .toEqual([
        expect.stringMatching(/^Bo changed title/),
        expect.stringMatching(/^you created the row/),
      ])
    // A change while the panel is open shows up in it: Ada's own edit, once it is saved.
    await selectCell(ada, 0, 'done')
    await ada.keyboard.press('Space')
    await expect.poll(() => valueAt(ada, 0, 'done')).toBe(true)
    await expect.poll(() => summary.textContent()).toMatch(/done: last changed by you/)
    await ada.screenshot({ path: join(screenshots, 'history-panel.png') })
  })

  it('S117: only an admin may delete a table; the other pages are told it was deleted', async () => {
    const table = freshTable('delete')
    const admin = await open(table, 'Ann', 'admin', true)
    await insertRows(admin, [{ title: 'doomed' }])
    await waitSaved(admin)
    const editor = await open(table, 'Eve', 'editor')
    expect(await editor.locator('#delete-table').isDisabled()).toBe(true)
    await admin.click('#delete-table')
    await admin.click('#confirm-delete-table')
    await admin.waitForURL(/table=demo/)
    await expect
      .poll(() => editor.locator('[role="alert"] h1').textContent())
      .toBe(`Table “${table}” was deleted`)
    const login = await fetch(`${server.url}/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ann', roles: ['admin'] }),
    })
    const { token } = (await login.json()) as { token: string }
    const listed = await fetch(`${server.url}/tables`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(((await listed.json()) as { tables: string[] }).tables).not.toContain(table)
    // The admin's page loads the demo table anew: its state appears once it has mounted.
    await expect
      .poll(() =>
        admin.evaluate(
          () => (globalThis as { demo?: { conn?: { name?: string } } }).demo?.conn?.name,
        ),
      )
      .toBe('demo')
  })
})
