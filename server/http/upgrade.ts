// The WebSocket side of the HTTP server: turns upgrade requests for `/<table>` into connections
// (ws in noServer mode, so it can be mounted on any http server), and pings idle sockets.
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { TesseraError } from '../../src/index.js'
import {
  CloseCode,
  closeCodeOf,
  cutCloseReason,
  isSyncStep2,
  type Transport,
} from '../../src/internal.js'
import { isJoinSlice } from '../join-state.js'
import type { AccessControl } from '../access/access-control.js'
import type { Audit } from '../access/audit.js'
import { checkAccess } from '../access/check-access.js'
import { createConnectionGuard } from '../access/connection-guard.js'
import type { LiveGrants } from '../access/live-grants.js'
import { createPresenceOwners } from '../access/presence-owners.js'
import { createWsTransport } from '../adapters/ws-transport.js'
import { serveConnection } from '../connection.js'
import { createLimits } from '../limits.js'
import { heartbeatSocket, startHeartbeat } from './heartbeat.js'
import type { Metrics } from '../metrics.js'
import type { ResolvedServerOptions } from '../options.js'
import type { Rooms } from '../rooms.js'
import type { SessionGrant } from '../sync-session.js'
import { tableNameFromPath } from '../table-name.js'

/** Handles the `upgrade` event of an http server. */
export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void

export interface Upgrades {
  handleUpgrade: UpgradeHandler
  /** Closes every socket with 1001 and stops the heartbeat. */
  close(): void
}

const heartbeatMs = 30_000

/** Creates the upgrade handler and its WebSocket server. */
export function createUpgrades(
  rooms: Rooms,
  metrics: Metrics,
  options: ResolvedServerOptions,
  security: { control: AccessControl; audit: Audit; liveGrants: LiveGrants },
): Upgrades {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes,
    perMessageDeflate: false,
  })
  const limits = createLimits(options, metrics.registry)
  const presenceOwners = createPresenceOwners()
  const transports = new Set<Transport>()
  const heartbeat = startHeartbeat(heartbeatMs)

  const open = async (request: IncomingMessage): Promise<SessionGrant> => {
    const table = tableNameFromPath(request.url)
    const mode = new URL(request.url ?? '/', 'http://localhost').searchParams.get('mode')
    if (mode !== null && mode !== 'window') {
      throw new TesseraError('INVALID_ARGUMENT', `unknown mode "${mode}"; use ?mode=window or none`)
    }
    const grant = await checkAccess(security.control, request, table, 'read')
    const { permissions } = grant
    const room = await rooms.acquire(table, {
      canCreate: options.canCreateTables && permissions.canAdminister,
    })
    const guard = createConnectionGuard(grant, table, {
      isAuthEnabled: security.control.isAuthEnabled,
      audit: security.audit,
      metrics,
      presenceOwners,
      maxPresenceBytes: options.maxPresenceBytes,
      liveGrants: security.liveGrants,
    })
    // S50: a connection that may change nothing has its document updates dropped unseen.
    return { room, permissions, guard, isWindowOnly: mode === 'window' }
  }

  const accept = (socket: WebSocket, request: IncomingMessage): void => {
    const admitted = limits.admit(request.socket.remoteAddress ?? 'unknown')
    if (admitted instanceof TesseraError) {
      metrics.error(admitted.code)
      socket.close(closeCodeOf(admitted.code), cutCloseReason(admitted.message))
      return
    }
    // ws took over the request's own TCP socket.
    const beating = heartbeatSocket(socket, request.socket)
    heartbeat.watch(beating)
    socket.on('close', () => {
      heartbeat.forget(beating)
    })
    const transport = createWsTransport(socket, {
      isSlow: (bufferedBytes) => admitted.isSlow(bufferedBytes),
      isBudgeted: (message) => isSyncStep2(message) || isJoinSlice(message),
      tcp: request.socket,
      onRefused: (error) => {
        metrics.error(error.code)
      },
    })
    transports.add(transport)
    transport.on('close', () => transports.delete(transport))
    serveConnection(transport, open(request), {
      metrics,
      maxConnectionsPerTable: options.maxConnectionsPerTable,
      limits: admitted,
    })
  }

  return {
    handleUpgrade(request, socket, head) {
      wss.handleUpgrade(request, socket, head, (ws) => {
        accept(ws, request)
      })
    },
    close() {
      heartbeat.stop()
      for (const transport of [...transports]) {
        transport.close(CloseCode.GoingAway, 'the server is shutting down; reconnect later')
      }
      wss.close()
    },
  }
}
