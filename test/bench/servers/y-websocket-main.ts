// The reference server for the benchmarks: @y/websocket-server's setupWSConnection on a plain
// http server, as its own bin does, but on port 0 (no persistence: it keeps documents in memory).
import { createServer } from 'node:http'
import { WebSocketServer } from 'ws'
import { setupWSConnection } from '@y/websocket-server/utils'

const wss = new WebSocketServer({ noServer: true })
const server = createServer((_request, response) => {
  response.end('okay')
})
wss.on('connection', setupWSConnection)
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => {
    wss.emit('connection', ws, request)
  })
})
// Exits on SIGTERM, so that a CPU profile (--cpu-prof) is written.
process.on('SIGTERM', () => process.exit(0))
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  console.log(`serving on http://127.0.0.1:${port}`)
})
