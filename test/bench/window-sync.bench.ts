// Partial sync on a 1,000,000-row × 10-column table (#17 item 6), in Node against a real server
// on 127.0.0.1: opening a 50-row sorted, filtered window (cold table, cold index, warm), its bytes
// on the wire, scrolling it by 50 rows, a window client's cell edit reaching a full replica, and
// server memory per open window, beside opening the whole document with a plain Yjs sync client.
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { connectQuery, type QueryConnection } from '../../client/query/connect-query.js'
import { createTable, type Table } from '../../src/index.js'
import { createSqliteStore } from '../../server/adapters/sqlite-store.js'
import { decodeMessage, encodeSyncStep1 } from '../../src/internal.js'
import { bundleEntry, startChildServer } from '../helpers/child-server.js'
import { tempDir } from '../helpers/temp-dir.js'
import { median, report } from './report.js'

const rowCount = Number(process.env.TESSERA_BENCH_ROWS || 1_000_000)
const table = 'big'
const query = { where: { done: false }, orderBy: [['n', 'desc'] as ['n', 'desc']] }

/** Writes the table straight into a SQLite file (a 166 MB update is past the message limit). */
async function seed(dbPath: string): Promise<{ bytes: number; doc: Y.Doc; seeded: Table }> {
  const doc = new Y.Doc()
  const seeded = createTable({ doc })
  seeded.addColumn({ name: 'title', type: 'string' })
  seeded.addColumn({ name: 'n', type: 'number' })
  seeded.addColumn({ name: 'done', type: 'boolean', default: false })
  for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) seeded.addColumn({ name, type: 'string' })
  for (let from = 0; from < rowCount; from += 50_000) {
    seeded.insertRows(
      Array.from({ length: Math.min(50_000, rowCount - from) }, (_, i) => {
        const n = from + i
        const tag = n % 97
        return {
          title: `Row ${n}`,
          n,
          done: n % 4 === 0,
          ...{ a: `a${tag}`, b: `b${tag}`, c: `c${tag}`, d: `d${tag}`, e: `e${tag}` },
          ...{ f: `f${tag}`, g: `g${tag}` },
        }
      }),
    )
  }
  const update = Y.encodeStateAsUpdate(doc)
  const store = createSqliteStore({ path: dbPath })
  const seq = await store.append(table, [{ update, atMs: Date.now(), author: null }])
  // Stored as a snapshot too, as a compacted table is: the first edit does not compact 1,000,000 rows.
  await store.compact(table, update, seq)
  await store.close()
  return { bytes: update.byteLength, doc, seeded }
}

/** A window client whose received bytes are counted. */
function counted(url: string, offset = 0): { q: QueryConnection; bytes: () => number } {
  let bytes = 0
  const Counting = class extends WebSocket {
    constructor(address: string) {
      super(address)
      this.on('message', (data: Buffer) => {
        bytes += data.byteLength
      })
    }
  }
  const q = connectQuery({ url, table, query, offset, limit: 50, WebSocket: Counting })
  return { q, bytes: () => bytes }
}

/** Opens the whole document as a plain Yjs sync client (sync step 1, then its answer). */
async function openWholeDocument(
  url: string,
  doc = new Y.Doc(),
): Promise<{ doc: Y.Doc; bytes: number; socket: WebSocket }> {
  const socket = new WebSocket(`${url}/${table}`, { maxPayload: 2 ** 31 })
  let bytes = 0
  await new Promise<void>((resolve, reject) => {
    socket.on('open', () => {
      socket.send(encodeSyncStep1(doc))
    })
    socket.on('message', (data: Buffer) => {
      bytes += data.byteLength
      const message = decodeMessage(new Uint8Array(data))
      if (message.type === 'sync-step-2' || message.type === 'sync-update')
        Y.applyUpdate(doc, message.update, socket)
      if (message.type === 'sync-step-2') resolve()
    })
    socket.on('close', (code) => {
      reject(new Error(`the whole-document client was closed with ${code}`))
    })
  })
  return { doc, bytes, socket }
}

/** Progress on stderr when TESSERA_BENCH_VERBOSE is set (the 1,000,000-row run takes minutes). */
const progress = (what: string): void => {
  if (process.env.TESSERA_BENCH_VERBOSE)
    process.stderr.write(`${new Date().toISOString()} ${what}\n`)
}

const timed = async (run: () => Promise<void>, what = ''): Promise<number> => {
  const start = performance.now()
  await run()
  progress(`${what} ${Math.round(performance.now() - start)} ms`)
  return performance.now() - start
}

it('measures partial sync on a 1,000,000-row table', async () => {
  const dbPath = join(tempDir(), 'tessera.db')
  // The seeding doc stays as a full replica that already holds the table (see below).
  const { bytes: documentBytes, doc: seededDoc, seeded } = await seed(dbPath)
  progress(`seeded ${documentBytes} bytes`)
  // The server runs in its own process: a client decoding the whole table here cannot stall it,
  // and its memory is its own.
  const file = await bundleEntry('server/main.ts', 'bench-window')
  // A 1,000,000-row table takes gigabytes of heap: past Node's default limit, GC thrashes.
  const server = await startChildServer(file, ['serve', '--port', '0', '--db', dbPath], {}, [
    '--max-old-space-size=8192',
  ])
  const url = server.wsUrl
  try {
    const first = counted(url)
    const coldMs = await timed(() => first.q.whenLoaded(), 'cold open')
    const coldBytes = first.bytes()
    // A window past the first 10,000 rows is answered once the shared index is built.
    const deep = counted(url, Math.floor(rowCount / 2))
    const indexMs = coldMs + (await timed(() => deep.q.whenLoaded(), 'deep window'))
    const warm: number[] = []
    const warmBytes: number[] = []
    for (let run = 0; run < 5; run++) {
      const next = counted(url, 100 * run)
      warm.push(await timed(() => next.q.whenLoaded()))
      warmBytes.push(next.bytes())
      await next.q.close()
    }
    expect(first.q.rows).toHaveLength(50)
    expect(first.q.total).toBe(rowCount - Math.ceil(rowCount / 4))

    const scroll: number[] = []
    for (let step = 1; step <= 10; step++) {
      first.q.setWindow({ offset: 50 * step, limit: 50 })
      scroll.push(await timed(() => first.q.whenLoaded()))
    }

    // A replica that decodes 1,000,000 rows here blocks this process (server included) past the
    // server's 30 s heartbeat: the edits go to a full replica that holds the table already (the
    // seeding doc) and syncs by state vector.
    const full = await openWholeDocument(url, seededDoc)
    const edits: number[] = []
    for (let edit = 0; edit < 10; edit++) {
      const id = first.q.rows[edit]!.id
      const value = `edit ${edit}`
      const start = performance.now()
      // Seen when the replica's table reads the new value (a packed row's edit lands in 'o').
      const arrived = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          full.doc.off('update', observe)
          reject(new Error('a window edit did not reach the full replica within 30 s'))
        }, 30_000)
        const observe = (): void => {
          if (seeded.getRow(id)?.title !== value) return
          full.doc.off('update', observe)
          clearTimeout(timer)
          resolve()
        }
        full.doc.on('update', observe)
      })
      first.q.setCell(id, 'title', value)
      // A late edit is reported as such, and the rest of the figures are still measured.
      edits.push(
        await arrived.then(
          () => performance.now() - start,
          () => Number.POSITIVE_INFINITY,
        ),
      )
      progress(`edit ${edit}: ${Math.round(edits.at(-1)!)} ms`)
    }
    full.socket.close()

    // A new query on the loaded table: its index is cold. After the edits, because building it
    // runs in steps beside every update (edits measured meanwhile took 131 ms instead of ~20).
    const byTitle = connectQuery({
      url,
      table,
      query: { orderBy: [['title', 'asc']] },
      limit: 50,
      WebSocket,
    })
    const coldIndexMs = await timed(() => byTitle.whenLoaded())
    await byTitle.close()

    const before = server.rssBytes()
    const windows = Array.from({ length: 50 }, (_, index) => counted(url, 1000 + 50 * index))
    await Promise.all(windows.map(({ q }) => q.whenLoaded()))
    const perWindow = (server.rssBytes() - before) / windows.length
    await Promise.all(windows.map(({ q }) => q.close()))
    await Promise.all([first.q.close(), deep.q.close()])
    // Last: decoding the whole table blocks this process (server included) for a long time.
    let whole: Awaited<ReturnType<typeof openWholeDocument>> | undefined
    const fullMs = await timed(async () => {
      whole = await openWholeDocument(url)
    }, 'whole document')
    const wholeBytes = whole!.bytes
    whole!.socket.close()
    whole = undefined

    const ms = (value: number) => `${Math.round(value)} ms`
    const kb = (value: number) => `${(value / 1024).toFixed(1)} KB`
    report(
      'window-sync',
      `Partial sync, ${rowCount.toLocaleString('en')} rows × 10 columns, window of 50 rows where done = false orderBy n desc (Node; the server in its own process)`,
      ['measure', 'figure', 'note'],
      [
        ['open a window, cold table (load from SQLite + first answer)', ms(coldMs), kb(coldBytes)],
        [
          `sort index built (a window at row ${Math.floor(rowCount / 2)} answered)`,
          ms(indexMs),
          'from the first open',
        ],
        ['open a window of a new query on the loaded table (index cold)', ms(coldIndexMs), ''],
        ['open a window, warm server, median of 5', ms(median(warm)), kb(median(warmBytes))],
        ['scroll the window by 50 rows, median of 10', ms(median(scroll)), ''],
        ['a window cell edit seen by a full replica, median of 10', ms(median(edits)), ''],
        ['open the whole document (Yjs sync client)', ms(fullMs), kb(wholeBytes)],
        ['the whole document as one update', '', kb(documentBytes)],
        ['server RSS per open window (50 more windows, one shared index)', kb(perWindow), ''],
      ],
    )
  } finally {
    await server.stop()
  }
})
