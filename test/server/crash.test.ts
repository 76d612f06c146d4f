// kill -9 of a server (a child process) during continuous writes from several clients loses
// nothing that it acknowledged or broadcast: restarted on the same SQLite file, it has it all.
import { join } from 'node:path'
import { beforeAll, expect, it, onTestFinished } from 'vitest'
import { bundleEntry, startChildServer, type ChildServer } from '../helpers/child-server.js'
import { connectClient, type SyncClient } from '../helpers/sync-client.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitFor } from '../helpers/wait-for.js'

let entry = ''

beforeAll(async () => {
  // The child runs the CLI from source, bundled, so the test never depends on a stale dist/.
  entry = await bundleEntry('server/main.ts', 'test-crash')
})

const startChild = async (dbPath: string): Promise<ChildServer> => {
  const server = await startChildServer(entry, ['serve', '--port', '0', '--db', dbPath])
  onTestFinished(() => server.stop())
  return server
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
  await first.stop('SIGKILL')
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
