// The WebSocket adapters pass the Transport contract against each other over a real loopback
// server: the client's (here with `ws`'s WebSocket class) and the server's over `ws` sockets.
import type { AddressInfo } from 'node:net'
import { describe, expect, it, onTestFinished } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import type { Transport, TransportClose } from '../../src/internal.js'
import { openWebSocketTransport } from '../../client/adapters/websocket-transport.js'
import { createWsTransport } from '../../server/adapters/ws-transport.js'
import { waitFor } from '../helpers/wait-for.js'
import { runTransportContract, type TransportPair } from './transport.contract.js'

const listen = async (): Promise<WebSocketServer> => {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise<void>((resolve) => server.once('listening', resolve))
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of server.clients) socket.terminate()
        server.close(() => resolve())
      }),
  )
  return server
}

const startPair = async (): Promise<TransportPair> => {
  const server = await listen()
  const accepted = new Promise<Transport>((resolve) =>
    server.once('connection', (socket) => resolve(createWsTransport(socket))),
  )
  const { port } = server.address() as AddressInfo
  const a = openWebSocketTransport(`ws://127.0.0.1:${port}/contract`, WebSocket)
  await new Promise<void>((resolve) => a.on('open', resolve))
  return { a, b: await accepted }
}

runTransportContract('WebSocket client ↔ ws server', startPair)

runTransportContract('ws server ↔ WebSocket client', async () => {
  const { a, b } = await startPair()
  return { a: b, b: a }
})

describe('the client WebSocket adapter', () => {
  const closesOf = (transport: Transport): TransportClose[] => {
    const closes: TransportClose[] = []
    transport.on('close', (close) => closes.push(close))
    return closes
  }

  it('closes with 4400 when the server sends a text frame', async () => {
    const server = await listen()
    server.on('connection', (socket) => {
      socket.send('not binary')
    })
    const { port } = server.address() as AddressInfo
    const transport = openWebSocketTransport(`ws://127.0.0.1:${port}/t`, WebSocket)
    const closes = closesOf(transport)
    await waitFor(() => closes.length > 0, { what: 'the close' })
    expect(closes).toEqual([{ code: 4400, reason: 'text frames are not supported' }])
  })

  it('closes with 1006 when nothing listens, and never opens', async () => {
    const server = await listen()
    const { port } = server.address() as AddressInfo
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const transport = openWebSocketTransport(`ws://127.0.0.1:${port}/t`, WebSocket)
    let isOpened = false
    transport.on('open', () => (isOpened = true))
    const closes = closesOf(transport)
    expect(transport.send(new Uint8Array([1]))).toBe(false)
    await waitFor(() => closes.length > 0, { what: 'the failed connection' })
    expect(closes[0]!.code).toBe(1006)
    expect(isOpened).toBe(false)
  })
})
