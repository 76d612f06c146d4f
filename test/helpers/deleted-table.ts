// A table written by one client, copied as that client holds it, then deleted over HTTP: the
// start of every test of an old replica coming back after a deletion (S235, S250).
import { expect } from 'vitest'
import * as Y from 'yjs'
import { call } from './auth.js'
import type { TestServer } from './start-server.js'
import { connectClient } from './sync-client.js'

/**
 * Writes `value` into table `name` from a client, keeps that client's whole state, deletes the
 * table and checks the client was closed with 4404; returns the kept state (the old replica).
 */
export async function copyThenDelete(
  server: TestServer,
  name: string,
  value: string,
): Promise<Uint8Array> {
  const old = connectClient(server.wsUrl, name)
  await old.whenSynced()
  old.doc.getMap('m').set('old', value)
  await old.save()
  const copy = Y.encodeStateAsUpdate(old.doc)
  expect((await call(server, 'DELETE', `/tables/${name}`)).status).toBe(204)
  expect((await old.whenClosed()).code).toBe(4404)
  return copy
}
