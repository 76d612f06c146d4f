// Runs the app of docs/getting-started.md, word for word, against a real server on loopback.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it, onTestFinished, vi } from 'vitest'
import { startServer } from './helpers.js'

it('runs the getting-started app in under 20 lines', async () => {
  const markdown = readFileSync(join(import.meta.dirname, '../../docs/getting-started.md'), 'utf8')
  const code = /```ts\n([\s\S]*?)```/.exec(markdown)?.[1]
  expect(code).toBeDefined()
  expect(code!.trim().split('\n').length).toBeLessThan(20)
  const server = await startServer()
  const dir = join(import.meta.dirname, '../../test-results/getting-started')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `app-${process.pid}.ts`)
  writeFileSync(file, code!.replace('ws://127.0.0.1:1234', server.url))
  onTestFinished(() => rmSync(file, { force: true }))
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)
  onTestFinished(() => log.mockRestore())
  await import(file)
  expect(log).toHaveBeenCalledWith({ id: expect.any(String), title: 'try tessera', done: true })
})
