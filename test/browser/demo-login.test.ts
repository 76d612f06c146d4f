// The demo logged in through dev login (docs/security.md) on a server with auth and rules, in
// real Chromium: an editor's edits reach a reader, whose grid is read-only (S57–S58).
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
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
  it('S56: logs in as a named user with a role; S58: a reader sees a read-only grid', async () => {
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
    expect(await editor.locator('#access').isVisible()).toBe(false)

    const reader = await open(table, 'Rita', 'reader', false)
    expect(await reader.locator('#role').inputValue()).toBe('reader')
    await expect.poll(() => titleOf(reader, row)).toBe('from Ed')
    await expect.poll(() => reader.locator('#access').isVisible()).toBe(true)
    const cell = reader.locator(`.cell[data-row="${row}"][data-column="title"]`)
    await cell.dblclick()
    await cell.press('x')
    expect(await reader.locator('.cell input').count()).toBe(0)
    expect(await reader.locator('#add-row').isDisabled()).toBe(true)
    expect(await reader.locator('#delete-row').isDisabled()).toBe(true)
    expect(await reader.locator('#add-column button').isDisabled()).toBe(true)
    expect(await reader.locator('#error').textContent()).toBe('')
    expect(await reader.locator('#error').isVisible()).toBe(false)
    expect(await reader.locator('#saved').getAttribute('data-unsaved')).toBe('0')
    mkdirSync(screenshots, { recursive: true })
    await reader.screenshot({ path: join(screenshots, 'reader-read-only.png') })
    // Edits keep flowing from the editor to the reader.
    await editor.click('#add-row')
    await expect.poll(() => editor.locator('.grid-row').count()).toBe(2)
    await expect.poll(() => reader.locator('.grid-row').count()).toBe(2)
    expect(await titleOf(editor, row)).toBe('from Ed')
  })
})
