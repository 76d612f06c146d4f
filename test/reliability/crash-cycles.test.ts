// Repeated kill -9 of a server child process while several clients write: after every restart each
// acknowledged update is there, the SQLite file passes integrity_check, and all clients converge.
// TESSERA_LONG=1 runs 20 cycles (docs/reliability.md); npm test runs 3.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { expect, it } from 'vitest'
import { connectClient } from '../helpers/sync-client.js'
import { tempDir } from '../helpers/temp-dir.js'
import { startReliabilityServer } from './child.js'
import { waitFor } from '../helpers/wait-for.js'
import { createWriter, type Writer } from '../helpers/writer.js'

const isLong = process.env.TESSERA_LONG === '1'
const cycles = isLong ? 20 : 3
const table = 'crash'
const integrityOf = (dbPath: string): string => {
  const db = new Database(dbPath)
  try {
    return db.pragma('integrity_check', { simple: true }) as string
  } finally {
    db.close()
  }
}

/** Keys acknowledged by the writers that a fresh reader of the server does not have. */
const missingAcked = async (wsUrl: string, writers: Writer[]): Promise<string[]> => {
  const reader = connectClient(wsUrl, table)
  await reader.whenSynced()
  const stored = reader.doc.getMap('m')
  const missing = writers.flatMap((writer) =>
    writer.written.slice(0, writer.acked).filter((key) => !stored.has(key)),
  )
  reader.close()
  return missing
}

const converge = async (writers: Writer[]): Promise<void> => {
  await Promise.all(writers.map((writer) => writer.client!.save()))
  const sizes = (): number[] => writers.map((writer) => writer.doc.getMap('m').size)
  const total = writers.reduce((sum, writer) => sum + writer.written.length, 0)
  await waitFor(() => sizes().every((size) => size === total), {
    what: `every client to hold all ${total} keys`,
    timeoutMs: 30_000,
  })
}

it(`survives ${cycles} kill -9 cycles during writes and compactions, losing nothing acknowledged`, async () => {
  const dbPath = join(tempDir(), 'crash.db')
  const writers = [0, 1, 2].map((index) => createWriter(`w${index}`, table))
  let checkedAcks = 0
  for (let cycle = 0; cycle < cycles; cycle++) {
    // Compaction every 20 stored groups, so kills also land in and around compactions.
    const server = await startReliabilityServer([dbPath, '{"compactAfterUpdates":20}'])
    expect(await missingAcked(server.wsUrl, writers)).toEqual([])
    await Promise.all(writers.map((writer) => writer.connect(server.wsUrl)))
    const ackedBefore = writers.map((writer) => writer.acked)
    await waitFor(
      () => writers.every((writer, index) => writer.acked >= ackedBefore[index]! + 20),
      {
        what: 'acknowledged writes in this cycle',
        timeoutMs: 30_000,
      },
    )
    await server.stop()
    for (const writer of writers) writer.stop()
    expect(integrityOf(dbPath)).toBe('ok')
    checkedAcks = writers.reduce((sum, writer) => sum + writer.acked, 0)
  }
  const last = await startReliabilityServer([dbPath, '{"compactAfterUpdates":20}'])
  expect(await missingAcked(last.wsUrl, writers)).toEqual([])
  await Promise.all(writers.map((writer) => writer.connect(last.wsUrl)))
  for (const writer of writers) writer.stop()
  await converge(writers)
  const written = writers.reduce((sum, writer) => sum + writer.written.length, 0)
  console.log(
    `crash cycles: ${cycles} kill -9 survived; ${checkedAcks} acknowledged writes checked after each restart, 0 missing; ${written} writes converged on all 3 clients; integrity_check ok every time`,
  )
}, 900_000)

it('a kill -9 inside the compaction transaction loses nothing', async () => {
  const dbPath = join(tempDir(), 'compaction.db')
  const writer = createWriter('c', table)
  const crashing = await startReliabilityServer([
    dbPath,
    '{"compactAfterUpdates":10}',
    'crash-in-compaction',
  ])
  await writer.connect(crashing.wsUrl)
  await crashing.whenExited()
  writer.stop()
  expect(crashing.child.signalCode).toBe('SIGKILL')
  expect(integrityOf(dbPath)).toBe('ok')
  const acked = writer.acked
  expect(acked).toBeGreaterThan(0)
  const restarted = await startReliabilityServer([dbPath, '{"compactAfterUpdates":10}'])
  expect(await missingAcked(restarted.wsUrl, [writer])).toEqual([])
  await writer.connect(restarted.wsUrl)
  writer.stop()
  await converge([writer])
  const reader = connectClient(restarted.wsUrl, table)
  await reader.whenSynced()
  await waitFor(() => reader.doc.getMap('m').size === writer.written.length, {
    what: 'the restarted server to hold every write',
  })
  console.log(
    `compaction crash: killed inside the compaction transaction after ${acked} acknowledged writes; all ${writer.written.length} writes present after restart`,
  )
})
