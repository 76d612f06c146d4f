// Prometheus metrics of one server, on its own Registry (never prom-client's global one, so
// several servers can run in one process). Counting only; no I/O.
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { ErrorCode } from '../src/index.js'

/** The metrics one server keeps; served at `GET /metrics`. */
export interface Metrics {
  readonly registry: Registry
  readonly connections: Gauge
  readonly tablesLoaded: Gauge
  readonly updatesReceived: Counter
  readonly updatesPersisted: Counter
  readonly updatesBroadcast: Counter
  readonly bytesReceived: Counter
  readonly bytesSent: Counter
  readonly bytesPersisted: Counter
  readonly persistSeconds: Histogram
  readonly compactions: Counter
  /** Presence messages not sent to a connection whose send buffer was filling (S72). */
  readonly presenceDropped: Counter
  /** Sync requests merged into a pending answer or held by the answer budget (S88). */
  readonly syncAnswersDelayed: Counter
  /** Counts one error by its code. */
  error(code: ErrorCode): void
}

/** Creates the server's metrics on a fresh Registry. */
export function createMetrics(): Metrics {
  const registry = new Registry()
  const registers = [registry]
  const errors = new Counter({
    name: 'tessera_errors_total',
    help: 'Errors by code (refused messages, closed connections, failed requests, storage failures).',
    labelNames: ['code'],
    registers,
  })
  return {
    registry,
    connections: new Gauge({
      name: 'tessera_connections',
      help: 'Open WebSocket connections.',
      registers,
    }),
    tablesLoaded: new Gauge({
      name: 'tessera_tables_loaded',
      help: 'Tables held in memory.',
      registers,
    }),
    updatesReceived: new Counter({
      name: 'tessera_updates_received_total',
      help: 'Document updates received (WebSocket and REST).',
      registers,
    }),
    updatesPersisted: new Counter({
      name: 'tessera_updates_persisted_total',
      help: 'Document updates committed to the store.',
      registers,
    }),
    updatesBroadcast: new Counter({
      name: 'tessera_updates_broadcast_total',
      help: 'Update messages sent to connections after they were persisted.',
      registers,
    }),
    bytesReceived: new Counter({
      name: 'tessera_bytes_received_total',
      help: 'Bytes of WebSocket messages received.',
      registers,
    }),
    bytesSent: new Counter({
      name: 'tessera_bytes_sent_total',
      help: 'Bytes of WebSocket messages sent.',
      registers,
    }),
    bytesPersisted: new Counter({
      name: 'tessera_bytes_persisted_total',
      help: 'Bytes of updates committed to the store.',
      registers,
    }),
    persistSeconds: new Histogram({
      name: 'tessera_persist_seconds',
      help: 'Time to commit one group of updates to the store.',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    compactions: new Counter({
      name: 'tessera_compactions_total',
      help: 'Compactions of a table log into its snapshot.',
      registers,
    }),
    presenceDropped: new Counter({
      name: 'tessera_presence_dropped_total',
      help: 'Presence messages not sent to a connection whose send buffer was filling.',
      registers,
    }),
    syncAnswersDelayed: new Counter({
      name: 'tessera_sync_answers_delayed_total',
      help: 'Sync requests merged into a pending answer or held by the answer budget.',
      registers,
    }),
    error: (code) => {
      errors.inc({ code })
    },
  }
}
