// Runs the code of docs/getting-started.md, word for word but for the addresses, against real
// servers on loopback: the app, and Tessera mounted into an express app of one's own.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { Server as HttpServer } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { join } from 'node:path'
import { expect, it, onTestFinished, vi } from 'vitest'
import { startServer, waitFor } from './helpers.js'
import { tempDir } from '../helpers/temp-dir.js'

const root = join(import.meta.dirname, '../..')
const markdown = readFileSync(join(root, 'docs/getting-started.md'), 'utf8')
const [app, mounted] = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!)

/** Writes `code` as a module of the test run (the package resolves to this repository). */
function moduleOf(name: string, code: string): string {
  const dir = join(root, 'test-results/getting-started')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${name}-${process.pid}.ts`)
  writeFileSync(file, code)
  onTestFinished(() => rmSync(file, { force: true }))
  return file
}

/** A port nothing listens on now. */
const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

it('runs the getting-started app in under 20 lines', async () => {
  expect(app).toBeDefined()
  expect(app!.trim().split('\n').length).toBeLessThan(20)
  const server = await startServer()
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)
  onTestFinished(() => log.mockRestore())
  await import(moduleOf('app', app!.replace('ws://127.0.0.1:1234', server.url)))
  expect(log).toHaveBeenCalledWith({ id: expect.any(String), title: 'try tessera', done: true })
})

it('mounts Tessera into an express app of its own, as the guide shows', async () => {
  const port = await freePort()
  const code = mounted!
    .replace('3000', String(port))
    .replace('./data/tessera.db', join(tempDir(), 'tessera.db'))
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)
  onTestFinished(() => log.mockRestore())
  const { server, tessera } = (await import(
    moduleOf('mounted', `${code}\nexport { server, tessera }\n`)
  )) as {
    server: HttpServer
    tessera: { close(): Promise<void> }
  }
  onTestFinished(async () => {
    await tessera.close()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  await waitFor(() => log.mock.calls.length > 0, { what: 'the listening message' })
  const url = `http://127.0.0.1:${port}`
  expect(await (await fetch(`${url}/hello`)).text()).toBe('my own route')
  expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok' })
  const created = await fetch(`${url}/tables`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'todos', columns: [{ name: 'title', type: 'string' }] }),
  })
  expect(created.status).toBe(201)
})
