// Load: many WebSocket connections over many tables with steady edits and presence, against a
// server in a child process whose memory is sampled. No errors, bounded memory, convergence.
// TESSERA_LONG=1 holds 1,000 connections over 100 tables (docs/reliability.md); npm test 200 over 20.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as encoding from 'lib0/encoding'
import { expect, it } from 'vitest'
import { MessageType } from '../../src/internal.js'
import { connectClient, type SyncClient } from '../helpers/sync-client.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitFor } from '../helpers/wait-for.js'
import { startReliabilityServer } from './child.js'
import { createRandom } from './frames.js'

const isLong = process.env.TESSERA_LONG === '1'
const connections = isLong ? 1000 : 200
const tables = isLong ? 100 : 20
const durationMs = isLong ? 30_000 : 5_000
const tickMs = 100
const editsPerTick = isLong ? 20 : 10
const presencePerTick = isLong ? 20 : 10
const rssMb = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
}

const presence = (clientId: number, clock: number, state: unknown): Uint8Array => {
  const update = encoding.createEncoder()
  encoding.writeVarUint(update, 1)
  encoding.writeVarUint(update, clientId)
  encoding.writeVarUint(update, clock)
  encoding.writeVarString(update, JSON.stringify(state))
  const message = encoding.createEncoder()
  encoding.writeVarUint(message, MessageType.Awareness)
  encoding.writeVarUint8Array(message, encoding.toUint8Array(update))
  return encoding.toUint8Array(message)
}

it(`holds ${connections} connections over ${tables} tables with steady edits and presence`, async () => {
  const server = await startReliabilityServer([
    join(tempDir(), 'load.db'),
    JSON.stringify({
      maxConnectionsPerIp: connections + 100,
      maxPendingConnections: connections + 100,
      sqliteSynchronous: 'normal',
    }),
  ])
  const pid = server.child.pid!
  const startRss = rssMb(pid)
  const clients: { client: SyncClient; table: number; clock: number }[] = []
  const connectStarted = Date.now()
  for (let batch = 0; batch < connections; batch += 50) {
    const opened = Array.from({ length: Math.min(50, connections - batch) }, (_, offset) => {
      const table = (batch + offset) % tables
      return { client: connectClient(server.wsUrl, `load-${table}`), table, clock: 0 }
    })
    await Promise.all(opened.map(({ client }) => client.whenSynced()))
    clients.push(...opened)
  }
  const connectMs = Date.now() - connectStarted
  const connectedRss = rssMb(pid)
  const random = createRandom(7)
  const writes = Array.from({ length: tables }, () => 0)
  let edits = 0
  let presenceUpdates = 0
  let peakRss = connectedRss
  const started = Date.now()
  while (Date.now() - started < durationMs) {
    for (let index = 0; index < editsPerTick; index++) {
      const entry = clients[Math.floor(random() * clients.length)]!
      entry.client.doc.getMap('m').set(`e${edits}`, { at: Date.now(), by: entry.table })
      writes[entry.table]!++
      edits++
    }
    for (let index = 0; index < presencePerTick; index++) {
      const entry = clients[Math.floor(random() * clients.length)]!
      entry.clock++
      entry.client.sendRaw(
        presence(entry.client.doc.clientID, entry.clock, { cursor: Math.floor(random() * 1000) }),
      )
      presenceUpdates++
    }
    peakRss = Math.max(peakRss, rssMb(pid))
    // Paces the load at a steady rate; nothing is awaited here but the tick.
    await new Promise((resolve) => setTimeout(resolve, tickMs))
  }
  await Promise.all(clients.map(({ client }) => client.save()))
  const convergeStarted = Date.now()
  await waitFor(
    () => clients.every(({ client, table }) => client.doc.getMap('m').size === writes[table]),
    { what: 'every client to hold its table', timeoutMs: 60_000 },
  )
  const convergeMs = Date.now() - convergeStarted
  expect(clients.filter(({ client }) => client.closed !== undefined)).toEqual([])
  const metrics = await (await fetch(`${server.wsUrl.replace(/^ws/, 'http')}/metrics`)).text()
  expect(metrics).not.toMatch(/tessera_errors_total\{/)
  expect(metrics).toMatch(new RegExp(`tessera_connections ${connections}`))
  const endRss = rssMb(pid)
  expect(peakRss).toBeLessThan(isLong ? 1024 : 512)
  console.log(
    [
      `load: ${connections} connections over ${tables} tables opened in ${connectMs} ms; ${edits} edits and ${presenceUpdates} presence updates in ${durationMs / 1000} s`,
      `server RSS: ${startRss.toFixed(0)} MB idle, ${connectedRss.toFixed(0)} MB connected, ${peakRss.toFixed(0)} MB peak, ${endRss.toFixed(0)} MB at the end`,
      `all clients converged ${convergeMs} ms after the last edit was acknowledged; 0 errors, 0 closed connections`,
    ].join('\n'),
  )
}, 600_000)
