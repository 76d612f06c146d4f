// 100 clients joining a loaded 100,000-row table at once, on Tessera, @y/websocket-server and
// Hocuspocus in turn (each in its own child process): time until every joiner has the whole
// table (its sync step 2), the server's CPU for it and its peak memory. The joiners are raw
// protocol clients that neither decode the table nor assemble its message (raw-joiner.ts), so
// the figure is the server's and the kernel's. With TESSERA_BENCH_PROFILE=<dir>, the joiners'
// own process is profiled during the joins.
import { readFileSync } from 'node:fs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { createTable } from '../../src/index.js'
import type { ChildServer } from '../helpers/child-server.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitFor } from '../helpers/wait-for.js'
import { profileDir, saveProfile, startProfile, topFrames } from './profile.js'
import { report } from './report.js'
import { startBenchServer, type ServerKind } from './server-clients.js'
import { connectRawJoiner, type RawJoiner } from './raw-joiner.js'
import { connectWireClient } from './wire-client.js'

const rowCount = Number(process.env.TESSERA_BENCH_JOIN_ROWS || 100_000)
const joinerCount = Number(process.env.TESSERA_BENCH_JOINERS || 100)
const kinds = (process.env.TESSERA_BENCH_KINDS ?? 'tessera,y-websocket-server,hocuspocus').split(
  ',',
) as ServerKind[]
const table = 'big'

/** The table as 10 updates of 10 % of the rows each (each under the servers' message limits). */
function tableUpdates(): { updates: Uint8Array[]; stateVector: Uint8Array } {
  const doc = new Y.Doc()
  const tessera = createTable({
    doc,
    columns: Array.from({ length: 10 }, (_, index) => ({
      name: `c${index}`,
      type: index % 2 === 0 ? ('string' as const) : ('number' as const),
    })),
  })
  const updates: Uint8Array[] = []
  let vector = Y.encodeStateVector(new Y.Doc())
  const batch = rowCount / 10
  for (let start = 0; start < rowCount; start += batch) {
    tessera.insertRows(
      Array.from({ length: batch }, (_, offset) =>
        Object.fromEntries(
          Array.from({ length: 10 }, (_, column) => [
            `c${column}`,
            column % 2 === 0 ? `value ${start + offset} ${column}` : start + offset + column,
          ]),
        ),
      ),
    )
    updates.push(Y.encodeStateAsUpdate(doc, vector))
    vector = Y.encodeStateVector(doc)
  }
  return { updates, stateVector: Y.encodeStateVector(doc) }
}

/** A Hocuspocus protocol client: every message starts with the document name (hocuspocus 4). */
async function connectHocuspocus(wsUrl: string) {
  const socket = new WebSocket(wsUrl)
  socket.binaryType = 'nodebuffer'
  const replies: ((update: Uint8Array) => void)[] = []
  socket.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data))
    decoding.readVarString(decoder)
    if (decoding.readVarUint(decoder) !== 0 || decoding.readVarUint(decoder) !== 1) return
    replies.shift()?.(decoding.readVarUint8Array(decoder))
  })
  socket.on('error', () => undefined)
  let isOpen = false
  socket.on('open', () => (isOpen = true))
  await waitFor(() => isOpen, { what: 'hocuspocus connection', timeoutMs: 60_000 })
  const send = (write: (encoder: encoding.Encoder) => void) => {
    const encoder = encoding.createEncoder()
    encoding.writeVarString(encoder, table)
    write(encoder)
    socket.send(encoding.toUint8Array(encoder))
  }
  // Authentication (type 2, token ''), as the provider sends before anything else.
  send((encoder) => {
    encoding.writeVarUint(encoder, 2)
    encoding.writeVarUint(encoder, 0)
    encoding.writeVarString(encoder, '')
    encoding.writeVarString(encoder, '4.8.0')
  })
  return {
    sendUpdate(update: Uint8Array) {
      send((encoder) => {
        encoding.writeVarUint(encoder, 0)
        encoding.writeVarUint(encoder, 2)
        encoding.writeVarUint8Array(encoder, update)
      })
    },
    sync(stateVector = Y.encodeStateVector(new Y.Doc())): Promise<Uint8Array> {
      return new Promise((resolve) => {
        replies.push(resolve)
        send((encoder) => {
          encoding.writeVarUint(encoder, 0)
          encoding.writeVarUint(encoder, 0)
          encoding.writeVarUint8Array(encoder, stateVector)
        })
      })
    },
    close() {
      socket.terminate()
    },
  }
}

type Writer = Pick<Awaited<ReturnType<typeof connectHocuspocus>>, 'sendUpdate' | 'sync' | 'close'>

const connect = (kind: ServerKind, server: ChildServer): Promise<Writer> =>
  kind === 'hocuspocus' ? connectHocuspocus(server.wsUrl) : connectWireClient(server.wsUrl, table)

/** A joiner: the raw one for the y-websocket protocol, the Hocuspocus client for Hocuspocus. */
async function connectJoiner(kind: ServerKind, server: ChildServer): Promise<RawJoiner> {
  if (kind !== 'hocuspocus') return connectRawJoiner(server.wsUrl, table)
  const client = await connectHocuspocus(server.wsUrl)
  return {
    sync: async () => {
      const update = await client.sync()
      return { size: update.byteLength, update }
    },
    close: () => {
      client.close()
    },
  }
}

function cpuSeconds(server: ChildServer): number {
  const fields = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

async function measure(kind: ServerKind, updates: Uint8Array[], stateVector: Uint8Array) {
  const server = await startBenchServer(kind, tempDir())
  try {
    return await join(kind, server, updates, stateVector)
  } finally {
    await server.stop()
  }
}

async function join(
  kind: ServerKind,
  server: ChildServer,
  updates: Uint8Array[],
  stateVector: Uint8Array,
) {
  // The writer stays connected, so the table stays loaded (the in-memory servers keep it too).
  const writer = await connect(kind, server)
  for (const update of updates) writer.sendUpdate(update)
  // Messages are handled in order: once a sync at the table's state vector is answered (with
  // nothing), the server holds the table.
  expect((await writer.sync(stateVector)).byteLength).toBeLessThan(100)
  const rssBefore = server.rssBytes()
  let rssPeak = rssBefore
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, server.rssBytes())), 20)
  const stopProfile = profileDir === undefined ? undefined : await startProfile()
  const joinersCpu = process.cpuUsage()
  const cpuBefore = cpuSeconds(server)
  const start = performance.now()
  const joiners = await Promise.all(
    Array.from({ length: joinerCount }, () => connectJoiner(kind, server)),
  )
  // The last joiner keeps what it got, to check it is the whole table.
  const replies = await Promise.all(
    joiners.map((joiner, index) => joiner.sync(index === joinerCount - 1)),
  )
  const seconds = (performance.now() - start) / 1000
  const cpu = cpuSeconds(server) - cpuBefore
  clearInterval(sampler)
  const { user, system } = process.cpuUsage(joinersCpu)
  const profile = await stopProfile?.()
  if (profile !== undefined) saveProfile(profile, `join-${kind}-joiners`)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, replies[joinerCount - 1]!.update!)
  expect(createTable({ doc }).size).toBe(rowCount)
  for (const joiner of [writer, ...joiners]) joiner.close()
  return [
    kind,
    seconds.toFixed(2),
    cpu.toFixed(2),
    ((rssBefore / 2 ** 20) | 0).toLocaleString('en'),
    (((rssPeak - rssBefore) / 2 ** 20) | 0).toLocaleString('en'),
    (replies[0]!.size / 2 ** 20).toFixed(1),
    `${(user / 1e6).toFixed(2)} / ${(system / 1e6).toFixed(2)}`,
    profile === undefined ? '' : topFrames(profile, 4).join('<br>'),
  ]
}

it(`${joinerCount} clients join a ${rowCount.toLocaleString('en')}-row table at once`, async () => {
  const { updates, stateVector } = tableUpdates()
  const rows: (string | number)[][] = []
  for (const kind of kinds) rows.push(await measure(kind, updates, stateVector))
  report(
    'join',
    `${joinerCount} clients join a loaded ${rowCount.toLocaleString('en')}-row × 10-column table at once`,
    [
      'server',
      'all joiners have the table (s)',
      'server CPU for the joins (s)',
      'server RSS before (MiB)',
      'server RSS peak above that (MiB)',
      'sync reply per joiner (MiB)',
      "joiners' process CPU, user / system (s)",
      "joiners' top frames (TESSERA_BENCH_PROFILE)",
    ],
    rows,
  )
}, 1_800_000)
