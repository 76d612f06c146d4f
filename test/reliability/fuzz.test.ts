// Protocol fuzzing: hostile frames against a real server next to a well-behaved client. Each frame
// is answered or its connection closed in time, with a documented code; nothing else is touched.
// TESSERA_LONG=1 sends 100,000 frames (docs/reliability.md); npm test sends fewer.
import { expect, it } from 'vitest'
import { CloseCode } from '../../src/internal.js'
import { openRawSocket, type RawSocket } from '../helpers/raw-socket.js'
import { startServer } from '../helpers/start-server.js'
import { connectClient } from '../helpers/sync-client.js'
import { heapMb } from '../helpers/heap.js'
import { waitFor } from '../helpers/wait-for.js'
import { createFrames, type FrameKind } from './frames.js'

const isLong = process.env.TESSERA_LONG === '1'
const frameCount = isLong ? 100_000 : 3_000
const workers = 6
const frameTimeoutMs = 5_000
const maxMessageBytes = 256 * 1024
const maxUpdateStructs = 20_000

/** The close codes a hostile frame may earn (docs/errors.md). */
const allowedCloses = new Set<number>([
  CloseCode.ProtocolError,
  CloseCode.UnsupportedData,
  CloseCode.MessageTooLarge,
])

it(`the server survives ${frameCount.toLocaleString('en')} hostile frames and keeps serving a good client`, async () => {
  const server = await startServer({
    maxMessageBytes,
    maxUpdateStructs,
    // Durability is the crash test's subject; here every commit's fsync would only slow the fuzz.
    sqliteSynchronous: 'normal',
    maxMessagesPerSecond: 1_000_000,
    maxConnectionsPerIp: 10_000,
    idleUnloadMs: 100,
  })
  const emptyMb = heapMb()
  const table = 'fuzz'
  const good = connectClient(server.wsUrl, table)
  await good.whenSynced()
  const goodMap = good.doc.getMap('good')
  goodMap.set('start', 0)
  await good.save()
  const baselineMb = heapMb()

  const closes = new Map<number, number>()
  const byKind = new Map<FrameKind, { sent: number; closed: number }>()
  let sent = 0
  let slowestMs = 0
  let reconnects = 0
  let goodWrites = 0
  const started = Date.now()

  const fuzzer = async (seed: number): Promise<void> => {
    const next = createFrames(seed, maxMessageBytes, maxUpdateStructs)
    let socket: RawSocket = await openRawSocket(`${server.wsUrl}/${table}`)
    while (sent < frameCount) {
      sent++
      if (sent % 20 === 0) writeGood()
      const { kind, frame } = next()
      const result = await socket.probe(frame, frameTimeoutMs)
      slowestMs = Math.max(slowestMs, result.ms)
      const counts = byKind.get(kind) ?? { sent: 0, closed: 0 }
      counts.sent++
      byKind.set(kind, counts)
      if (result.kind === 'answered') continue
      counts.closed++
      closes.set(result.code, (closes.get(result.code) ?? 0) + 1)
      expect(allowedCloses, `close code for a ${kind} frame`).toContain(result.code)
      reconnects++
      socket = await openRawSocket(`${server.wsUrl}/${table}`)
    }
    socket.terminate()
  }

  // The good client writes between the hostile frames and asks for acknowledgements.
  const acknowledgements: Promise<void>[] = []
  const writeGood = (): void => {
    goodMap.set(`k${goodWrites}`, goodWrites)
    goodWrites++
    acknowledgements.push(good.save())
  }
  await Promise.all(Array.from({ length: workers }, (_, index) => fuzzer(index + 1)))
  await Promise.all(acknowledgements)
  const elapsedS = (Date.now() - started) / 1000

  expect(good.closed).toBeUndefined()
  const check = connectClient(server.wsUrl, table)
  await check.whenSynced()
  const stored = check.doc.getMap('good')
  const lost = Array.from({ length: goodWrites }, (_, index) => `k${index}`).filter(
    (key) => !stored.has(key),
  )
  expect(lost).toEqual([])
  check.close()
  const afterMb = heapMb()
  // Accepted frames (valid and bit-flipped updates) legitimately grow the document a little.
  expect(afterMb - baselineMb).toBeLessThan(40)
  // Once the table is unloaded, nothing of the fuzz is left in memory.
  good.close()
  await waitFor(() => server.loadedTables().length === 0, { what: 'the table to unload' })
  const unloadedMb = heapMb()
  // What stays is the test's own two client docs (same heap), which hold the accepted updates.
  expect(unloadedMb - emptyMb).toBeLessThan(isLong ? 20 : 10)
  const report = [
    `fuzz: ${sent} frames in ${elapsedS.toFixed(1)} s by ${workers} connections, ${reconnects} closed and reopened`,
    `closes by code: ${JSON.stringify(Object.fromEntries(closes))}`,
    `by kind (sent/closed): ${[...byKind].map(([kind, counts]) => `${kind} ${counts.sent}/${counts.closed}`).join(', ')}`,
    `slowest answer or close: ${slowestMs} ms; good client: ${goodWrites} acknowledged writes, 0 lost, never closed`,
    `heap+external: ${emptyMb.toFixed(1)} MB with no table loaded, ${baselineMb.toFixed(1)} MB with the table and the good client, ${afterMb.toFixed(1)} MB after the fuzz, ${unloadedMb.toFixed(1)} MB once the table unloaded`,
  ]
  console.log(report.join('\n'))
}, 3_600_000)
