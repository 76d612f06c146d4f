// A client that was offline catches up with traffic proportional to what it missed, not to
// the size of the table (state vectors are exchanged; only the missing updates are sent).
import * as Y from 'yjs'
import { expect, it } from 'vitest'
import { createTable } from '../../src/index.js'
import { startServer } from '../helpers/start-server.js'
import { connectClient, connectStockProvider } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

it('a client offline during 1,000 edits to a 50,000-row table receives only what it missed', async () => {
  const server = await startServer()
  const writer = connectClient(server.wsUrl, 'big')
  await writer.whenSynced()
  const table = createTable({
    doc: writer.doc,
    columns: [
      { name: 'title', type: 'string' },
      { name: 'n', type: 'number', default: 0 },
    ],
  })
  const ids = table.insertRows(
    Array.from({ length: 50_000 }, (_, index) => ({ title: `row ${index}`, n: index })),
  )
  await writer.save()

  const reader = connectStockProvider(server.wsUrl, 'big')
  await waitFor(() => reader.provider.synced && reader.doc.getMap('rows').size === 50_000, {
    what: 'the first full sync',
    timeoutMs: 30_000,
  })
  const fullSyncBytes = reader.bytesReceived()
  reader.provider.disconnect()
  const missedFrom = Y.encodeStateVector(reader.doc)

  for (let edit = 0; edit < 1000; edit++)
    table.updateRow(ids[(edit * 7919) % ids.length]!, { n: -edit })
  table.updateRow(ids[0]!, { title: 'last edit' })
  await writer.save()
  const missedBytes = Y.encodeStateAsUpdate(writer.doc, missedFrom).byteLength

  const before = reader.bytesReceived()
  reader.provider.connect()
  const readerTable = createTable({ doc: reader.doc })
  await waitFor(() => readerTable.getCell(ids[0]!, 'title') === 'last edit', { what: 'catch-up' })
  const catchUpBytes = reader.bytesReceived() - before

  expect(readerTable.listRows()).toEqual(table.listRows())
  // The reply carries the missed updates plus framing and the server's state vector.
  expect(catchUpBytes).toBeLessThan(missedBytes + 1024)
  expect(catchUpBytes).toBeLessThan(1000 * 64)
  expect(catchUpBytes * 50).toBeLessThan(fullSyncBytes)
  console.log(
    `catch-up: ${catchUpBytes} bytes for 1,001 missed edits (${missedBytes} bytes of updates); full sync ${fullSyncBytes} bytes`,
  )
})
