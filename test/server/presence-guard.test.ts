// Presence on a real server, as an attacker would try it: taking over another user's awareness
// client id across a reconnect (S70), oversized presence states (S71), and presence that would
// make the server close other connections as slow readers (S72).
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { WebsocketProvider } from 'y-websocket'
import { MessageType } from '../../src/internal.js'
import { createTokenVerifier } from '../../server/access/tokens.js'
import { call, testSecret } from '../helpers/auth.js'
import { startServer, type TestServer } from '../helpers/start-server.js'
import { connectClient, type SyncClient } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

const verifier = createTokenVerifier({ secret: testSecret })
const tokenFor = (id: string, roles: string[] = ['editor']) =>
  verifier.sign({ id, name: id.toUpperCase(), roles }, { expiresInSeconds: 600 })

const startAuthServer = async (options: Parameters<typeof startServer>[0] = {}) => {
  const server = await startServer({
    auth: { secret: testSecret },
    rules: { '*': { read: ['authenticated'], write: ['editor'], admin: ['admin'] } },
    ...options,
  })
  const created = await call(server, 'POST', '/tables', {
    token: await tokenFor('ada', ['admin']),
    body: { name: 'todos' },
  })
  expect(created.status).toBe(201)
  return server
}

const connectProvider = async (server: TestServer, token: string) => {
  const provider = new WebsocketProvider(server.wsUrl, 'todos', new Y.Doc(), {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token },
    disableBc: true,
  })
  await waitFor(() => provider.synced, { what: 'the provider to sync' })
  return provider
}

/** An awareness message carrying one state for `clientId` at `clock` (null: a removal). */
const awarenessMessage = (clientId: number, clock: number, state: unknown): Uint8Array => {
  const body = encoding.createEncoder()
  encoding.writeVarUint(body, 1)
  encoding.writeVarUint(body, clientId)
  encoding.writeVarUint(body, clock)
  encoding.writeVarString(body, JSON.stringify(state))
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.Awareness)
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(body))
  return encoding.toUint8Array(encoder)
}

/** Connects a protocol client; resolves once it is synced, or with its close code. */
const connectOutcome = async (server: TestServer, token: string) => {
  const client = connectClient(server.wsUrl, 'todos', { query: `token=${token}` })
  let isSynced = false
  void client.whenSynced().then(
    () => (isSynced = true),
    () => undefined,
  )
  await waitFor(() => isSynced || client.closed !== undefined, { what: 'a client to open' })
  if (isSynced) await client.save().catch(() => undefined)
  return { client, outcome: client.closed?.code ?? 'open' }
}

const stateAt = (provider: WebsocketProvider, clientId: number) =>
  provider.awareness.getStates().get(clientId) as
    { user?: { id?: string }; cell?: string } | undefined

describe('S70: an awareness client id belongs to its identity', () => {
  it('S70: after its user disconnects, another user cannot take it over; the user reconnects and shows again', async () => {
    const server = await startAuthServer()
    const ann = await connectProvider(server, await tokenFor('ann'))
    const watcher = await connectProvider(server, await tokenFor('wendy'))
    const annId = ann.awareness.clientID
    ann.awareness.setLocalState({ user: { name: 'Ann' }, cell: 'A1' })
    await waitFor(() => stateAt(watcher, annId)?.cell === 'A1', { what: "ann's presence" })
    ann.disconnect()
    await waitFor(() => stateAt(watcher, annId) === undefined, { what: 'ann to leave' })

    const mallory = connectClient(server.wsUrl, 'todos', {
      query: `token=${await tokenFor('mallory')}`,
    })
    await mallory.whenSynced()
    mallory.sendRaw(awarenessMessage(annId, 1000, { user: { name: 'Ann' }, cell: 'Z9' }))
    // A barrier: mallory's own presence reaches the watcher after anything she sent before.
    mallory.sendRaw(awarenessMessage(4242, 1, { user: { name: 'M' }, cell: 'B2' }))
    await waitFor(() => stateAt(watcher, 4242)?.cell === 'B2', { what: "mallory's presence" })
    expect(stateAt(watcher, annId)).toBeUndefined()

    let annSends = 0
    ann.awareness.on('update', () => annSends++)
    ann.connect()
    await waitFor(() => stateAt(watcher, annId)?.cell === 'A1', {
      what: "ann's presence after her reconnect",
    })
    expect(stateAt(watcher, annId)).toEqual({ user: { id: 'ann', name: 'ANN' }, cell: 'A1' })
    expect(mallory.closed).toBeUndefined()
    // The server's clocks never reach ann for her own id, or her provider would send its state
    // back at once, again and again: after another barrier she has sent it at most once more.
    mallory.sendRaw(awarenessMessage(4242, 2, { user: { name: 'M' }, cell: 'C3' }))
    await waitFor(() => stateAt(ann, 4242)?.cell === 'C3', { what: 'the barrier at ann' })
    expect(annSends).toBeLessThanOrEqual(3)
    ann.destroy()
    watcher.destroy()
  })

  it('S70: the same user takes its id over from its own older connection, which then leaves without removing it', async () => {
    const server = await startAuthServer()
    const watcher = await connectProvider(server, await tokenFor('wendy'))
    const annToken = await tokenFor('ann')
    const first = connectClient(server.wsUrl, 'todos', { query: `token=${annToken}` })
    await first.whenSynced()
    first.sendRaw(awarenessMessage(777, 1, { cell: 'A1' }))
    await waitFor(() => stateAt(watcher, 777)?.cell === 'A1', { what: 'the first presence' })
    // The socket of the first connection is not closed yet (a network drop the server has not
    // noticed); the reconnecting client announces the same id with the same clock.
    const second = connectClient(server.wsUrl, 'todos', { query: `token=${annToken}` })
    await second.whenSynced()
    second.sendRaw(awarenessMessage(777, 1, { cell: 'C3' }))
    await waitFor(() => stateAt(watcher, 777)?.cell === 'C3', { what: 'the reconnected presence' })
    first.close()
    await first.whenClosed()
    second.sendRaw(awarenessMessage(4243, 1, { cell: 'barrier' }))
    await waitFor(() => stateAt(watcher, 4243) !== undefined, { what: 'the barrier' })
    expect(stateAt(watcher, 777)).toEqual({ user: { id: 'ann', name: 'ANN' }, cell: 'C3' })
    watcher.destroy()
  })
})

describe('S71–S72: presence size', () => {
  const bigState = (bytes: number) => ({ user: { name: 'Big' }, blob: 'x'.repeat(bytes) })

  it('S71: a 12 MiB presence state is refused with a MESSAGE_TOO_LARGE notice; its sender stays, later joiners are served', async () => {
    const server = await startAuthServer()
    const sender = connectClient(server.wsUrl, 'todos', {
      query: `token=${await tokenFor('sam')}`,
    })
    await sender.whenSynced()
    sender.sendRaw(awarenessMessage(9001, 1, bigState(12 * 1024 * 1024)))
    await sender.save()
    await waitFor(() => sender.notices.length > 0, { what: 'the notice' })
    expect(sender.notices[0]).toMatchObject({ code: 'MESSAGE_TOO_LARGE' })
    expect(sender.notices[0]!.message).toMatch(/maxPresenceBytes/)
    const joiners: SyncClient[] = []
    for (const name of ['j1', 'j2', 'j3']) {
      const { client, outcome } = await connectOutcome(server, await tokenFor(name))
      expect(outcome).toBe('open')
      joiners.push(client)
    }
    expect(sender.closed).toBeUndefined()
  })

  it('S72: presence that fills a joiner’s send buffer is dropped for it, never a reason to close it', async () => {
    const server = await startAuthServer({
      maxPresenceBytes: 1024 * 1024,
      maxBufferedBytes: 4 * 1024 * 1024,
    })
    // Twelve states of 1 MB: three times what a connection may hold unsent (the kernel's own
    // socket buffers on loopback take a few MB before the server's buffer fills at all).
    const senders: SyncClient[] = []
    for (let index = 0; index < 12; index++) {
      const { client, outcome } = await connectOutcome(server, await tokenFor(`s${index}`))
      expect(outcome).toBe('open')
      client.sendRaw(awarenessMessage(5000 + index, 1, bigState(1000 * 1000)))
      await client.save()
      expect(client.notices).toEqual([])
      senders.push(client)
    }
    for (const name of ['j1', 'j2']) {
      const { outcome } = await connectOutcome(server, await tokenFor(name))
      expect(outcome).toBe('open')
    }
    expect(senders.map((sender) => sender.closed)).toEqual(senders.map(() => undefined))
    const metrics = await server.registry.getSingleMetricAsString('tessera_presence_dropped_total')
    expect(Number(/ (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0)
  })
})
