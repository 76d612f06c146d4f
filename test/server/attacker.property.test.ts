// The server played against an attacker (docs/semantics.md S80–S87): for each combination of
// rights, random raw Yjs operations on every part of a table's document go through a real server
// over a socket, and what it stored (also after a restart) and what another client saw must
// equal what an independent model of the rules keeps of them. TESSERA_PROPERTY_RUNS sets the
// total number of runs (default 210, spread over the seven combinations).
import { fc } from '@fast-check/vitest'
import * as Y from 'yjs'
import { afterAll, describe, expect, it } from 'vitest'
import { createTable } from '../../src/index.js'
import {
  expectState,
  readRawState,
  stateJson,
  type RawState,
  type Rights,
} from '../helpers/enforcement-model.js'
import { writeFormatOneRows } from '../helpers/raw-cells.js'
import { applyRawOp, rawOp, valueMaker, type RawOp } from '../helpers/raw-ops.js'
import {
  bytesContain,
  encodeSyncMessage,
  rightsNames,
  rightsToken,
  startRightsServer,
  storedDoc,
  type RightsName,
} from '../helpers/rights.js'
import type { TestServer } from '../helpers/start-server.js'
import { connectClient, type SyncClient } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

const totalRuns = Number(process.env.TESSERA_PROPERTY_RUNS || 210)
const numRuns = Math.ceil(totalRuns / rightsNames.length)

const rightsOf: Record<RightsName, Rights> = {
  read: { insert: false, update: false, delete: false, admin: false },
  insert: { insert: true, update: false, delete: false, admin: false },
  update: { insert: false, update: true, delete: false, admin: false },
  delete: { insert: false, update: false, delete: true, admin: false },
  write: { insert: true, update: true, delete: true, admin: false },
  admin: { insert: true, update: true, delete: true, admin: true },
  none: { insert: false, update: false, delete: false, admin: false },
}

// A round is one update; a split round sends its second half alone first (it waits, S34).
const round = fc.record({
  ops: fc.array(rawOp, { minLength: 1, maxLength: 6 }),
  isSplit: fc.boolean(),
})
const attack = fc.record({
  hasName: fc.boolean(),
  rounds: fc.array(round, { minLength: 1, maxLength: 3 }),
})

interface Watched extends SyncClient {
  /** The messages received since the last round began. */
  received: Uint8Array[]
}

function connectAs(server: TestServer, table: string, token: string): Watched {
  const client = connectClient(server.wsUrl, table, { query: `token=${token}` }) as Watched
  client.received = []
  client.socket.on('message', (data: Buffer) => client.received.push(new Uint8Array(data)))
  return client
}

/** Saves until acknowledged: a re-sync in progress answers notSaved(INCOMPLETE_UPDATE) first. */
const saved = (client: SyncClient) =>
  waitFor(
    () =>
      client.save().then(
        () => true,
        () => false,
      ),
    { what: 'a saved acknowledgement' },
  )

/** The admin builds the same base table for every run: columns, rows, overrides, a removed column. */
async function createBase(server: TestServer, table: string, hasName: boolean): Promise<void> {
  const admin = connectAs(server, table, await rightsToken('admin'))
  await admin.whenSynced()
  const base = createTable({
    doc: admin.doc,
    ...(hasName ? { name: table } : {}),
    columns: [
      { name: 'title', type: 'string' },
      { name: 'priority', type: 'number', default: 0 },
      { name: 'flag', type: 'boolean' },
      { name: 'gone', type: 'string' },
    ],
  })
  // Rows of data format 1 (the model's layout, whose raw operations the attacker mixes in);
  // the checks of packed rows are tested by test/core/validation*.test.ts.
  writeFormatOneRows(admin.doc, [
    { id: 'r1', position: 'a0', cells: { title: 'one', priority: 1 } },
    { id: 'r2', position: 'a1', cells: { title: 'two', flag: true } },
    { id: 'r3', position: 'a2', cells: { priority: 3, gone: 'x' } },
  ])
  base.setCell('r1', 'title', 'uno')
  base.moveRow('r2', { before: 'r1' })
  base.removeColumn('gone')
  await saved(admin)
  admin.close()
}

/** Markers the state holds (every string that begins with the run's prefix). */
const markersIn = (state: RawState, prefix: string): Set<string> =>
  new Set(JSON.stringify(stateJson(state)).match(new RegExp(`${prefix}-\\d+`, 'g')) ?? [])

/** Sends one round of operations; a split round sends its second half alone first. */
function sendRound(
  attacker: Watched,
  ops: readonly RawOp[],
  isSplit: boolean,
  make: (spec: unknown) => unknown,
) {
  if (!isSplit) {
    attacker.doc.transact(() => ops.forEach((op) => applyRawOp(attacker.doc, op, make)))
    return
  }
  const detached = new Y.Doc()
  Y.applyUpdate(detached, Y.encodeStateAsUpdate(attacker.doc))
  const half = Math.ceil(ops.length / 2)
  // Each half writes at least one struct of the detached client, so the second depends on the first.
  const anchor: RawOp = {
    kind: 'cell-set',
    row: 'r9',
    column: 'title',
    incarnation: 1,
    value: 'MARK',
  }
  detached.transact(() =>
    [anchor, ...ops.slice(0, half)].forEach((op) => applyRawOp(detached, op, make)),
  )
  const vector = Y.encodeStateVector(detached)
  detached.transact(() =>
    [anchor, ...ops.slice(half)].forEach((op) => applyRawOp(detached, op, make)),
  )
  attacker.sendRaw(encodeSyncMessage(2, Y.encodeStateAsUpdate(detached, vector)))
  Y.applyUpdate(attacker.doc, Y.encodeStateAsUpdate(detached))
}

describe('the server against raw Yjs operations', () => {
  let runs = 0
  const startedMs = Date.now()
  afterAll(() => {
    // The figures the issue asks for: how many runs, how long (printed once per file).
    process.stdout.write(`attacker property: ${runs} runs in ${Date.now() - startedMs} ms\n`)
  })

  for (const rights of rightsNames) {
    describe(`a connection with ${rights} rights`, () => {
      it(
        'S80: the server keeps exactly what ' +
          rights +
          ' rights allow of any raw change, and others see only that',
        async () => {
          // One server for the whole property: each run writes its own table.
          const server = await startRightsServer()
          const expected = new Map<string, RawState>()
          const property = fc.asyncProperty(attack, async ({ hasName, rounds }) => {
            const table = `t${runs++}`
            await createBase(server, table, hasName)
            const token = await rightsToken(rights)
            const observer = connectAs(server, table, await rightsToken('read'))
            await observer.whenSynced()
            let state = readRawState(observer.doc)
            if (rights === 'none') {
              const refused = connectAs(server, table, token)
              expect((await refused.whenClosed()).code).toBe(4403)
              expected.set(table, state)
              observer.close()
              return
            }
            const attacker = connectAs(server, table, token)
            await attacker.whenSynced()
            const make = valueMaker(`M${table}`, table)
            for (const { ops, isSplit } of rounds) {
              observer.received = []
              // An admin's waiting content keeps Yjs's own behaviour (protocol.md §3): not split.
              sendRound(attacker, ops, isSplit && rights !== 'admin' && rights !== 'read', make)
              // The writer's own copy shows the raw effect of its operations (before any correction).
              const after = readRawState(attacker.doc)
              await saved(attacker)
              await saved(observer)
              state = rights === 'read' ? state : expectState(state, after, rightsOf[rights], table)
              const seen = readRawState(observer.doc)
              expect(stateJson(seen)).toEqual(stateJson(state))
              if (rights !== 'read')
                expect(stateJson(readRawState(attacker.doc))).toEqual(stateJson(state))
              // Nothing refused left the server: every marker it sent is in the kept state.
              const kept = markersIn(state, `M${table}`)
              for (const marker of markersIn(after, `M${table}`)) {
                if (!kept.has(marker)) expect(bytesContain(observer.received, marker)).toBe(false)
              }
            }
            const stored = await storedDoc(server, table)
            expect(stateJson(readRawState(stored.doc))).toEqual(stateJson(state))
            expected.set(table, state)
            attacker.close()
            observer.close()
          })
          await fc.assert(property, { numRuns })
          // A restart loads exactly what was kept, for every run.
          await server.close()
          const restarted = await startRightsServer({ dbPath: server.dbPath })
          for (const [table, state] of expected) {
            const { doc } = await storedDoc(restarted, table)
            expect(stateJson(readRawState(doc)), table).toEqual(stateJson(state))
          }
        },
        // A second per run, and at least the default: long local runs need more than 60 s.
        Math.max(60_000, numRuns * 1000),
      )
    })
  }
})
