// Window connections (docs/protocol.md §8) seen from a raw socket on a real server: misuse closes
// only that connection with 4400, a refused window keeps it open, and a window connection's
// updates pass the same rights checks as anyone's (S135).
import { describe, expect, it, onTestFinished } from 'vitest'
import WebSocket from 'ws'
import { connectQuery } from '../../client/index.js'
import { connectTable } from '../../client/index.js'
import { createTokenVerifier } from '../../server/access/tokens.js'
import {
  decodeMessage,
  encodeMapUpdate,
  encodeMessage,
  encodeSyncStep1,
  overrideSet,
  type WireMessage,
} from '../../src/internal.js'
import * as Y from 'yjs'
import { testSecret } from '../helpers/auth.js'
import { startServer } from '../helpers/start-server.js'
import { waitFor } from '../helpers/wait-for.js'

interface Raw {
  readonly messages: WireMessage[]
  readonly closeCode: number | undefined
  send(message: WireMessage | Uint8Array): void
}

function openRaw(url: string): Promise<Raw> {
  const socket = new WebSocket(url)
  onTestFinished(() => {
    socket.terminate()
  })
  const messages: WireMessage[] = []
  let closeCode: number | undefined
  socket.on('message', (data: Buffer) => messages.push(decodeMessage(new Uint8Array(data))))
  socket.on('close', (code) => (closeCode = code))
  socket.on('error', () => undefined)
  const raw: Raw = {
    messages,
    get closeCode() {
      return closeCode
    },
    send(message) {
      socket.send(message instanceof Uint8Array ? message : encodeMessage(message))
    },
  }
  return new Promise((resolve, reject) => {
    socket.on('open', () => resolve(raw))
    socket.on('unexpected-response', (_request, response) =>
      reject(new Error(`HTTP ${response.statusCode}`)),
    )
  })
}

const open = { type: 'window-open', windowId: 1, query: '{}', offset: 0, limit: 10 } as const

async function seededServer(options: Parameters<typeof startServer>[0] = {}, token = '') {
  const server = await startServer(options)
  const full = connectTable({
    url: server.wsUrl,
    table: 'items',
    ...(token === '' ? {} : { token }),
    WebSocket,
    columns: [{ name: 'title', type: 'string' }],
  })
  await full.whenSynced()
  full.table.insertRows([{ title: 'a' }, { title: 'b' }])
  await full.whenSaved()
  onTestFinished(() => full.close())
  return { server, full }
}

describe('window connections', () => {
  it('closes with 4400 on misuse, and only the connection that misused it', async () => {
    const { server } = await seededServer()
    const other = await openRaw(`${server.wsUrl}/items?mode=other`)
    await waitFor(() => other.closeCode !== undefined)
    expect(other.closeCode).toBe(4400)
    const plain = await openRaw(`${server.wsUrl}/items`)
    plain.send(open)
    await waitFor(() => plain.closeCode === 4400)
    const window = await openRaw(`${server.wsUrl}/items?mode=window`)
    window.send(encodeSyncStep1(new Y.Doc()))
    await waitFor(() => window.closeCode === 4400)
    const twice = await openRaw(`${server.wsUrl}/items?mode=window`)
    twice.send(open)
    twice.send(open)
    await waitFor(() => twice.closeCode === 4400)

    const refused = await openRaw(`${server.wsUrl}/items?mode=window`)
    refused.send({ ...open, query: '{"where":{"nope":1}}' })
    refused.send({ ...open, windowId: 2, limit: 5000 })
    refused.send({ ...open, windowId: 3 })
    await waitFor(() => refused.messages.some((m) => m.type === 'window-rows'))
    const errors = refused.messages.flatMap((m) => (m.type === 'window-error' ? [m.code] : []))
    expect(errors).toEqual(['INVALID_QUERY', 'INVALID_ARGUMENT'])
    expect(refused.closeCode).toBeUndefined()
  })

  it('S135: a window connection without write rights has its update dropped like anyone else', async () => {
    const verifier = createTokenVerifier({ secret: testSecret })
    const admin = await verifier.sign({ id: 'ada', roles: ['admin'] }, { expiresInSeconds: 600 })
    const reader = await verifier.sign({ id: 'rita', roles: ['reader'] }, { expiresInSeconds: 600 })
    const { server, full } = await seededServer(
      {
        auth: { secret: testSecret },
        rules: { '*': { read: ['reader', 'admin'], write: ['admin'], admin: ['admin'] } },
      },
      admin,
    )
    // The SDK refuses locally (S58).
    const q = connectQuery({ url: server.wsUrl, table: 'items', token: reader, WebSocket })
    onTestFinished(() => q.close())
    await q.whenLoaded()
    await waitFor(() => q.permissions !== undefined)
    expect(() => q.setCell(q.rows[0]!.id, 'title', 'x')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    )
    // A hostile client sends the write anyway.
    const raw = await openRaw(`${server.wsUrl}/items?mode=window&token=${reader}`)
    raw.send(open)
    await waitFor(() => raw.messages.some((m) => m.type === 'window-rows'))
    const rows = raw.messages.find((m) => m.type === 'window-rows')!
    const schema = raw.messages.find((m) => m.type === 'window-schema')!
    const row = rows.type === 'window-rows' ? rows.rows[0]! : undefined
    const column = schema.type === 'window-schema' ? schema.columns[0]!.id : ''
    const writable = {
      id: row!.id,
      item: row!.item,
      incarnation: row!.incarnation,
      keys: new Map(row!.keys.map((key) => [key.column, key])),
    }
    const update = encodeMapUpdate(4242, 0, [overrideSet(writable as never, column, 'hacked')], [])
    raw.send({ type: 'sync-update', update })
    raw.send({ type: 'saved', requestId: 1 })
    await waitFor(() => raw.messages.some((m) => m.type === 'saved' || m.type === 'error'))
    expect(full.table.getRow(row!.id as never)?.title).toBe('a')
    const late = connectTable({ url: server.wsUrl, table: 'items', token: admin, WebSocket })
    onTestFinished(() => late.close())
    await late.whenSynced()
    expect(late.table.getRow(row!.id as never)?.title).toBe('a')
  })
})
