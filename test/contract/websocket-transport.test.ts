// The WebSocket adapters pass the Transport contract against each other over a real loopback
// server: the client's (here with `ws`'s WebSocket class) and the server's over `ws` sockets.
import type { AddressInfo } from 'node:net'
import { onTestFinished } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import type { Transport } from '../../src/index.js'
import { openWebSocketTransport } from '../../client/adapters/websocket-transport.js'
import { createWsTransport } from '../../server/adapters/ws-transport.js'
import { runTransportContract, type TransportPair } from './transport.contract.js'

const startPair = async (): Promise<TransportPair> => {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise<void>((resolve) => server.once('listening', resolve))
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of server.clients) socket.terminate()
        server.close(() => resolve())
      }),
  )
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
