// The floor of durable.bench.ts (not a peer, no product): what a durable single-cell update
// costs when a server does only what Tessera's design must do per update, with plain Yjs and
// better-sqlite3. It applies each update to the table's doc; at the end of each turn of the event
// loop it commits, in one SQLite transaction (WAL, synchronous=normal, as Tessera), one log row per
// table holding that turn's updates of it (Tessera joins one writer's run into one entry) and one
// audit row per table (JSON records of what each update changed); then it answers the saved
// requests (one answer per connection and turn, as S270) and sends the updates to the table's
// other connections. No check, no history, no background index, no metrics. With
// TESSERA_FLOOR_CHECKS=1 each update goes through Tessera's checks (applyChecked, as the server
// calls them) and its audit records name the rows and columns they found.
// `node durable-floor-main.mjs serve --db <file> ...`: prints "serving on <url>" like the server.
import { createServer } from 'node:http'
import Database from 'better-sqlite3'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { WebSocketServer, type WebSocket } from 'ws'
import * as Y from 'yjs'
import { allPermissions } from '../../../src/permissions.js'
import { applyChecked } from '../../../src/validation.js'
import { decodeMessage, encodeMessage, encodeSyncStep2 } from '../../../src/wire/messages.js'

const withChecks = process.env.TESSERA_FLOOR_CHECKS === '1'
const db = new Database(process.argv[process.argv.indexOf('--db') + 1])
db.pragma('journal_mode = WAL')
db.pragma('synchronous = NORMAL')
db.exec(`CREATE TABLE IF NOT EXISTS updates (table_name TEXT NOT NULL, seq INTEGER NOT NULL,
  at_ms INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (table_name, seq)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS audit (key INTEGER PRIMARY KEY AUTOINCREMENT,
  table_name TEXT NOT NULL, records TEXT NOT NULL)`)
const insertUpdate = db.prepare('INSERT INTO updates VALUES (?, ?, ?, ?)')
const insertAudit = db.prepare('INSERT INTO audit (table_name, records) VALUES (?, ?)')
const loadLog = db.prepare<[string], { data: Buffer }>(
  'SELECT data FROM updates WHERE table_name = ? ORDER BY seq',
)

interface Room {
  name: string
  doc: Y.Doc
  seq: number
  sockets: Set<WebSocket>
  /** This turn's updates, their audit records and whom they came from. */
  updates: { update: Uint8Array; from: WebSocket }[]
  records: [rows: unknown, action: string][]
}

const rooms = new Map<string, Room>()
/** The rooms with updates this turn, and the saved requests to answer after its commit. */
const touched = new Set<Room>()
/** Per connection, the last saved request of this turn (saved(n) answers the earlier ones too). */
const answers = new Map<WebSocket, number>()
let isScheduled = false
/** The audit records written so far (their seqs count from 1 in this process: a floor). */
let audited = 0

function roomOf(name: string): Room {
  let room = rooms.get(name)
  if (room !== undefined) return room
  const doc = new Y.Doc()
  const rows = loadLog.all(name)
  for (const row of rows) {
    const decoder = decoding.createDecoder(row.data)
    while (decoding.hasContent(decoder)) Y.applyUpdate(doc, decoding.readVarUint8Array(decoder))
  }
  room = { name, doc, seq: rows.length, sockets: new Set(), updates: [], records: [] }
  rooms.set(name, room)
  return room
}

/** A turn's updates of one table as one log row: each one's length, then its bytes (lib0). */
function logRow(updates: readonly { update: Uint8Array }[]): Uint8Array {
  const encoder = encoding.createEncoder()
  for (const { update } of updates) encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

const commitTurn = db.transaction((atMs: number) => {
  for (const room of touched) {
    insertUpdate.run(room.name, ++room.seq, atMs, logRow(room.updates))
    const first = audited + 1
    audited += room.records.length
    const records = room.records.map(([rows, action], at) => [first + at, rows, action, null, atMs])
    insertAudit.run(room.name, JSON.stringify(records))
  }
})

function flush(): void {
  isScheduled = false
  const atMs = Date.now()
  commitTurn(atMs)
  for (const [socket, requestId] of answers)
    socket.send(encodeMessage({ type: 'saved', requestId }))
  answers.clear()
  for (const room of touched) {
    for (const { update, from } of room.updates) {
      const message = encodeMessage({ type: 'sync-update', update })
      for (const socket of room.sockets) if (socket !== from) socket.send(message)
    }
    room.updates = []
    room.records = []
  }
  touched.clear()
}

/** What the update changed, as an audit record: Tessera's checks' rows, or the changed keys. */
function applyUpdate(room: Room, update: Uint8Array, from: WebSocket): void {
  if (withChecks) {
    const { updated } = applyChecked(room.doc, update, from, allPermissions, {
      tableName: room.name,
    })
    for (const [rowId, columns] of updated) room.records.push([[rowId, [...columns]], 'update'])
  } else {
    room.doc.transact((transaction) => {
      Y.applyUpdate(room.doc, update, from)
      const keys: string[] = []
      for (const changed of transaction.changed.values())
        for (const key of changed) if (key !== null) keys.push(key)
      room.records.push([keys, 'update'])
    }, from)
  }
  room.updates.push({ update: update.slice(), from })
  touched.add(room)
  if (!isScheduled) setImmediate(flush)
  isScheduled = true
}

const wss = new WebSocketServer({ noServer: true })
wss.on('connection', (socket: WebSocket, name: string) => {
  const room = roomOf(name)
  room.sockets.add(socket)
  socket.on('close', () => room.sockets.delete(socket))
  socket.on('message', (data: Buffer) => {
    const message = decodeMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    if (message.type === 'sync-step-1') socket.send(encodeSyncStep2(room.doc, message.stateVector))
    else if (message.type === 'sync-update' || message.type === 'sync-step-2')
      applyUpdate(room, message.update, socket)
    else if (message.type === 'saved') {
      // Answered after the turn's commit (or now, when nothing waits for one).
      if (isScheduled) answers.set(socket, message.requestId)
      else socket.send(encodeMessage({ type: 'saved', requestId: message.requestId }))
    }
  })
})
const server = createServer((_request, response) => response.end('floor'))
server.on('upgrade', (request, socket, head) => {
  const name = decodeURIComponent((request.url ?? '/').slice(1))
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, name))
})
// Exits on SIGTERM, so that a CPU profile (--cpu-prof) is written.
process.on('SIGTERM', () => process.exit(0))
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  console.log(`serving on http://127.0.0.1:${port}`)
})
