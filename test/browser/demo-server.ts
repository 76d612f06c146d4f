// The server the browser tests open the demo on: our sync server on 127.0.0.1 port 0 (SQLite
// in a temp folder) serving the demo built into dist/demo at `/`.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { createServer, type ServerOptions } from '../../server/index.js'

export const repoRoot = join(import.meta.dirname, '../..')

/** Builds the demo page into dist/demo (what `npm run build` does for it). */
export function buildDemo(): void {
  execFileSync(process.execPath, [join(repoRoot, 'client/demo/build.js')], { stdio: 'inherit' })
}

export interface DemoServer {
  /** `http://127.0.0.1:port`: the demo page; rooms at `ws://127.0.0.1:port/<table>`. */
  readonly url: string
  close(): Promise<void>
}

export async function startDemoServer(options: Partial<ServerOptions> = {}): Promise<DemoServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-browser-'))
  const server = await createServer({
    host: '127.0.0.1',
    port: 0,
    dbPath: join(dir, 'tessera.db'),
    staticDir: join(repoRoot, 'dist/demo'),
    ...options,
  })
  return {
    url: server.url!,
    async close() {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Debian's Chromium, headless, with the flags this closed network needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/** What a browser test file of the demo shares: one server and one Chromium. */
export interface DemoSetup {
  readonly browser: Browser
  readonly server: DemoServer
}

/**
 * Builds the demo, starts a server on it and launches Chromium before the file's tests, and
 * closes both after them. Read `browser` and `server` inside tests (they exist from then on).
 */
export function useDemo(options: Partial<ServerOptions> = {}): DemoSetup {
  const setup: { browser?: Browser; server?: DemoServer } = {}
  beforeAll(async () => {
    buildDemo()
    setup.server = await startDemoServer(options)
    setup.browser = await launchChromium()
  })
  afterAll(async () => {
    await setup.browser?.close()
    await setup.server?.close()
  })
  return {
    get browser() {
      return setup.browser!
    },
    get server() {
      return setup.server!
    },
  }
}
