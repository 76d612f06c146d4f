// A server whose rules give each right to its own role, tokens for each combination of rights,
// and raw access to what the server stored: for the tests that play an attacker with raw Yjs.
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { applySnapshot, createTable } from '../../src/index.js'
import { MessageType } from '../../src/internal.js'
import { createTokenVerifier } from '../../server/access/tokens.js'
import type { CreateServerOptions } from '../../server/index.js'
import { call, testSecret } from './auth.js'
import { startServer, type TestServer } from './start-server.js'
import { connectClient, type SyncClient } from './sync-client.js'

/** The combinations of rights the attacker tests cover. */
export const rightsNames = ['read', 'insert', 'update', 'delete', 'write', 'admin', 'none'] as const
export type RightsName = (typeof rightsNames)[number]

/** One role per right; `write` is insert, update and delete; `none` may not even read. */
export const rightsRules = {
  '*': {
    read: ['read', 'insert', 'update', 'delete', 'write'],
    insert: ['insert', 'write'],
    update: ['update', 'write'],
    delete: ['delete', 'write'],
    admin: ['admin'],
  },
}

/** Starts a server with `rightsRules` (and auth); `dbPath` reuses a file, as after a restart. */
export function startRightsServer(options: CreateServerOptions = {}): Promise<TestServer> {
  return startServer({ auth: { secret: testSecret }, rules: rightsRules, ...options })
}

/** A token whose only role is `rights` (user id: the rights' name). */
export function rightsToken(rights: RightsName): Promise<string> {
  return createTokenVerifier({ secret: testSecret }).sign(
    { id: rights, name: rights, roles: [rights] },
    { expiresInSeconds: 3600 },
  )
}

/** A protocol client that keeps every message the server sent it. */
export interface RecordingClient extends SyncClient {
  readonly received: Uint8Array[]
}

/** Connects to `table` with a token of `rights` only, recording what arrives; waits for sync. */
export async function connectWithRights(
  server: TestServer,
  table: string,
  rights: RightsName,
): Promise<RecordingClient> {
  const client = connectClient(server.wsUrl, table, {
    query: `token=${await rightsToken(rights)}`,
  })
  const received: Uint8Array[] = []
  client.socket.on('message', (data: Buffer) => received.push(new Uint8Array(data)))
  const recording = Object.assign(client, { received })
  await recording.whenSynced()
  return recording
}

/** The table's stored log and snapshot, loaded into a fresh doc as a restarted server would. */
export async function storedDoc(
  server: TestServer,
  table: string,
): Promise<{ doc: Y.Doc; bytes: Uint8Array[] }> {
  const stored = await server.store.load(table)
  const bytes = [...(stored.snapshot === undefined ? [] : [stored.snapshot]), ...stored.updates]
  const doc = new Y.Doc()
  for (const update of bytes) applySnapshot(doc, update)
  return { doc, bytes }
}

/** True when `text` occurs (UTF-8) in any of `chunks`. */
export function bytesContain(chunks: readonly Uint8Array[], text: string): boolean {
  const needle = Buffer.from(text)
  return chunks.some((chunk) => Buffer.from(chunk).includes(needle))
}

/** Creates `table` as the admin over REST, with a string, a number column and the given rows. */
export async function createRightsTable(
  server: TestServer,
  table: string,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  const token = await rightsToken('admin')
  const columns = [
    { name: 'title', type: 'string' },
    { name: 'priority', type: 'number', default: 0 },
  ]
  const created = await call(server, 'POST', '/tables', { token, body: { name: table, columns } })
  if (created.status !== 201) throw new Error(`create ${table}: ${JSON.stringify(created.body)}`)
  if (rows.length === 0) return
  const inserted = await call(server, 'POST', `/tables/${table}/rows`, { token, body: rows })
  if (inserted.status !== 201) throw new Error(`rows ${table}: ${JSON.stringify(inserted.body)}`)
}

/** The table JSON of a doc (name, visible columns, rows in manual order). */
export function tableJson(doc: Y.Doc): unknown {
  const table = createTable({ doc: cloneDoc(doc) })
  return table.toJSON()
}

/** A copy of `doc` (so reading it through a Table writes nothing into the original). */
export function cloneDoc(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
  return copy
}

/** A sync message: varUint(0) varUint(step) varUint8Array(payload) (docs/protocol.md §2). */
export function encodeSyncMessage(step: 0 | 1 | 2, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.Sync)
  encoding.writeVarUint(encoder, step)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}
