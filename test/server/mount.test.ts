// The server mounted into an existing express app and http server, and the demo at `/`.
import { writeFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { join } from 'node:path'
import express from 'express'
import { expect, it, onTestFinished } from 'vitest'
import { createMemoryStore } from '../../src/index.js'
import { createServer } from '../../server/index.js'
import { startServer } from '../helpers/start-server.js'
import { connectStockProvider } from '../helpers/sync-client.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitFor } from '../helpers/wait-for.js'

it('mounts into an existing express app and http server (listen: false)', async () => {
  const tessera = await createServer({ listen: false, store: createMemoryStore() })
  expect(tessera.url).toBeUndefined()
  const app = express()
  app.get('/mine', (_request, response) => {
    response.send('my route')
  })
  app.use(tessera.app)
  const http = createHttpServer(app)
  http.on('upgrade', tessera.handleUpgrade)
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  onTestFinished(async () => {
    await tessera.close()
    http.closeAllConnections()
    await new Promise((resolve) => http.close(resolve))
  })
  const address = http.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  expect(await (await fetch(`http://127.0.0.1:${port}/mine`)).text()).toBe('my route')
  expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toMatchObject({
    status: 'ok',
  })
  const a = connectStockProvider(`ws://127.0.0.1:${port}`, 'mounted')
  const b = connectStockProvider(`ws://127.0.0.1:${port}`, 'mounted')
  a.doc.getMap('m').set('k', 'v')
  await waitFor(() => b.doc.getMap('m').get('k') === 'v', {
    what: 'sync through the mounted server',
  })
})

it('serves staticDir at / (the demo page)', async () => {
  const dir = tempDir()
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>demo</title>')
  const server = await startServer({ staticDir: dir })
  const page = await fetch(`${server.url}/`)
  expect(page.headers.get('content-type')).toMatch(/text\/html/)
  expect(await page.text()).toContain('<title>demo</title>')
})
