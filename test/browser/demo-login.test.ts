// The demo logged in through dev login (docs/security.md) on a server with auth and rules, in
// real Chromium: an editor's edits reach a reader, a reader's edit is refused and shown as such.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { buildDemo, launchChromium, startDemoServer, type DemoServer } from './demo-server.js'

let browser: Browser
let server: DemoServer

beforeAll(async () => {
  buildDemo()
  server = await startDemoServer({
    auth: { secret: 'a browser test secret that is long enough for HS256' },
    devLogin: true,
    rules: { '*': { read: ['authenticated'], write: ['editor'], admin: ['editor'] } },
  })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function open(table: string, user: string, role: string, create: boolean): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 500 } })
  onTestFinished(() => context.close())
  const page = await context.newPage()
  await page.goto(
    `${server.url}/?table=${table}&user=${user}&role=${role}${create ? '&create=1' : ''}`,
  )
  await page.waitForSelector('#status[data-status="synced"]')
  await page.waitForSelector('.head-cell[data-column="title"]')
  return page
}

const titleOf = (page: Page, row: string) =>
  page
    .locator(`.cell[data-row="${row}"][data-column="title"]`)
    .evaluate((element) => element.firstChild?.textContent ?? '')

describe('the demo with dev login', () => {
  it('S56: logs in as a named user with a role; the reader edit is refused and reported', async () => {
    const table = `login-${Date.now()}`
    const editor = await open(table, 'Ed', 'editor', true)
    expect(await editor.locator('#role').inputValue()).toBe('editor')
    await expect.poll(() => editor.locator('#peers').textContent()).toContain('Ed (you)')
    await editor.click('#add-row')
    const row = (await editor.locator('.cell.selected').getAttribute('data-row'))!
    await editor.locator(`.cell[data-row="${row}"][data-column="title"]`).dblclick()
    await editor.locator(`.cell[data-row="${row}"][data-column="title"] input`).fill('from Ed')
    await editor.keyboard.press('Enter')
    await expect.poll(() => editor.locator('#saved').getAttribute('data-unsaved')).toBe('0')

    const reader = await open(table, 'Rita', 'reader', false)
    expect(await reader.locator('#role').inputValue()).toBe('reader')
    await expect.poll(() => titleOf(reader, row)).toBe('from Ed')
    await reader.locator(`.cell[data-row="${row}"][data-column="title"]`).dblclick()
    await reader.locator(`.cell[data-row="${row}"][data-column="title"] input`).fill('from Rita')
    await reader.keyboard.press('Enter')
    await expect.poll(() => reader.locator('#error').textContent()).toContain('FORBIDDEN')
    expect(await reader.locator('#error').isVisible()).toBe(true)
    // The editor's page (and the server) never see the refused edit.
    await editor.click('#add-row')
    await expect.poll(() => editor.locator('.grid-row').count()).toBe(2)
    await expect.poll(() => reader.locator('.grid-row').count()).toBe(2)
    expect(await titleOf(editor, row)).toBe('from Ed')
  })
})
