// kill -9 of a server (a child process) during continuous writes from several clients loses
// nothing that it acknowledged or broadcast: restarted on the same SQLite file, it has it all.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { build } from 'esbuild'
import { beforeAll, expect, it, onTestFinished } from 'vitest'
import { connectClient, type SyncClient } from '../helpers/sync-client.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitFor } from '../helpers/wait-for.js'

const root = join(import.meta.dirname, '..', '..')
const entry = join(root, 'dist', 'test-crash', 'main.mjs')

beforeAll(async () => {
  // The child runs the CLI from source, bundled, so the test never depends on a stale dist/.
  await build({
    entryPoints: [join(root, 'server', 'main.ts')],
    outfile: entry,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  })
})

const startChild = async (dbPath: string): Promise<{ child: ChildProcess; wsUrl: string }> => {
  const child = spawn(process.execPath, [entry, 'serve', '--port', '0', '--db', dbPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  onTestFinished(() => {
    child.kill('SIGKILL')
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  await waitFor(() => /serving on (http:\S+)/.test(output) || child.exitCode !== null, {
    what: 'the child server to listen',
  })
  const url = /serving on (http:\S+)/.exec(output)?.[1]
  if (url === undefined) throw new Error(`the child server did not start:\n${output}`)
  return { child, wsUrl: url.replace(/^http/, 'ws') }
}

interface Writer {
  client: SyncClient
  written: number
  /** Every key below this index was acknowledged as saved. */
  acked: number
  stop(): void
}

const startWriter = (wsUrl: string, index: number): Writer => {
  const client = connectClient(wsUrl, 'crash')
  const writer: Writer = { client, written: 0, acked: 0, stop: () => undefined }
  let timer: NodeJS.Timeout | undefined
  const tick = (): void => {
    if (client.closed !== undefined) return
    client.doc.getMap('m').set(`${index}-${writer.written}`, writer.written)
    writer.written++
    if (writer.written % 5 === 0) {
      const upTo = writer.written
      client.save().then(
        () => (writer.acked = Math.max(writer.acked, upTo)),
        () => undefined,
      )
    }
    // Paces the writes (a steady rate), it does not wait for anything.
    timer = setTimeout(tick, 2)
  }
  writer.stop = () => {
    clearTimeout(timer)
  }
  void client.whenSynced().then(tick)
  return writer
}

it('kill -9 during continuous writes loses nothing acknowledged or broadcast', async () => {
  const dbPath = join(tempDir(), 'crash.db')
  const first = await startChild(dbPath)
  const observer = connectClient(first.wsUrl, 'crash')
  await observer.whenSynced()
  const writers = [0, 1, 2, 3].map((index) => startWriter(first.wsUrl, index))
  await waitFor(
    () => observer.doc.getMap('m').size >= 400 && writers.every((writer) => writer.acked > 20),
    { what: 'writes to flow', timeoutMs: 30_000 },
  )
  first.child.kill('SIGKILL')
  await waitFor(() => first.child.exitCode !== null || first.child.signalCode !== null, {
    what: 'the child to die',
  })
  for (const writer of writers) writer.stop()
  await waitFor(() => observer.closed !== undefined, { what: 'the observer to see the crash' })
  const broadcast = [...observer.doc.getMap('m').keys()]
  const acked = writers.flatMap((writer, index) =>
    Array.from({ length: writer.acked }, (_, key) => `${index}-${key}`),
  )

  const second = await startChild(dbPath)
  const reader = connectClient(second.wsUrl, 'crash')
  await reader.whenSynced()
  const restored = reader.doc.getMap('m')
  expect(broadcast.filter((key) => !restored.has(key))).toEqual([])
  expect(acked.filter((key) => !restored.has(key))).toEqual([])
  expect(acked.length).toBeGreaterThan(80)
  console.log(
    `kill -9: ${broadcast.length} broadcast and ${acked.length} acknowledged updates, all restored (${restored.size} keys stored; ${writers.reduce((sum, writer) => sum + writer.written, 0)} written)`,
  )
})
