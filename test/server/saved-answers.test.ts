// S270: saved(n) answers every earlier request of the connection too, so the requests that one
// commit makes durable get one answer, the last; clients of ours (and the stock provider, which
// never asks) see nothing else change.
import WebSocket from 'ws'
import * as Y from 'yjs'
import { expect, it, onTestFinished } from 'vitest'
import { createTable } from '../../src/index.js'
import { decodeMessage, encodeMessage } from '../../src/internal.js'
import { connectTable } from '../../client/index.js'
import { storedState } from '../helpers/auth.js'
import { startServer } from '../helpers/start-server.js'
import { waitFor } from '../helpers/wait-for.js'

/** A table's first state and `count` single-cell edits of it, each its own update. */
function edits(count: number) {
  const doc = new Y.Doc()
  const table = createTable({ doc, columns: [{ name: 'n', type: 'number' }] })
  const id = table.insertRow({ n: 0 })
  const base = Y.encodeStateAsUpdate(doc)
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  for (let n = 1; n <= count; n++) table.setCell(id, 'n', n)
  return { base, updates, final: table.toJSON() }
}

/** A raw connection that records the saved answers it gets. */
async function connectRaw(url: string) {
  const socket = new WebSocket(url)
  socket.binaryType = 'nodebuffer'
  onTestFinished(() => {
    socket.terminate()
  })
  const saved: number[] = []
  let isGreeted = false
  socket.on('error', () => undefined)
  socket.on('message', (data: Buffer) => {
    const message = decodeMessage(new Uint8Array(data))
    if (message.type === 'sync-step-1') isGreeted = true
    if (message.type === 'saved') saved.push(message.requestId)
    if (message.type === 'not-saved') throw new Error(`not saved: ${message.message}`)
  })
  await waitFor(() => isGreeted, { what: 'the greeting' })
  const tcp = (socket as unknown as { _socket: { cork(): void; uncork(): void } })._socket
  return {
    saved,
    /** Sends each update followed by a saved request, numbered from `firstRequest`, in one write. */
    sendInOneWrite(updates: Uint8Array[], firstRequest: number) {
      tcp.cork()
      updates.forEach((update, index) => {
        socket.send(encodeMessage({ type: 'sync-update', update }))
        socket.send(encodeMessage({ type: 'saved', requestId: firstRequest + index }))
      })
      tcp.uncork()
    },
  }
}

it('S270: the saved requests one commit makes durable get one answer, the last, once all is stored', async () => {
  const server = await startServer()
  const { base, updates, final } = edits(6)
  const client = await connectRaw(`${server.wsUrl}/answers`)
  client.sendInOneWrite([base], 1)
  await waitFor(() => client.saved.includes(1), { what: 'saved(1)' })

  client.sendInOneWrite(updates, 2)
  await waitFor(() => client.saved.includes(7), { what: 'saved(7)' })
  // One read of the socket, one group commit: requests 2–6 are answered by saved(7).
  expect(client.saved).toEqual([1, 7])
  expect(await storedState(server, 'answers')).toEqual(final)
})

it('S270: requests made durable by different commits are each answered', async () => {
  const server = await startServer()
  const { base, updates } = edits(3)
  const client = await connectRaw(`${server.wsUrl}/apart`)
  client.sendInOneWrite([base], 1)
  await waitFor(() => client.saved.includes(1), { what: 'saved(1)' })
  for (const [index, update] of updates.entries()) {
    client.sendInOneWrite([update], index + 2)
    await waitFor(() => client.saved.includes(index + 2), { what: `saved(${index + 2})` })
  }
  expect(client.saved).toEqual([1, 2, 3, 4])
})

it('S270: a Tessera client counts edits of several tasks saved when one answer covers them', async () => {
  const server = await startServer()
  const conn = connectTable({ url: server.wsUrl, table: 'counted', WebSocket })
  onTestFinished(() => conn.close())
  await conn.whenSynced()
  conn.table.addColumn({ name: 'n', type: 'number' })
  const id = conn.table.insertRow({ n: 0 })
  // Each edit in its own task: one saved request each, most of them durable in one commit.
  for (let n = 1; n <= 20; n++) {
    conn.table.setCell(id, 'n', n)
    await new Promise<void>((resolve) => {
      setImmediate(resolve)
    })
  }
  await waitFor(() => conn.unsaved === 0, { what: 'every edit saved' })
  expect(await storedState(server, 'counted')).toEqual(conn.table.toJSON())
})
