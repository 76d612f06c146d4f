// The revocation list: the contract on every adapter, and SQLite shared between two handles on
// one file (the running server and the `tessera token revoke` CLI) and across reopening.
import { join } from 'node:path'
import { expect, it, onTestFinished } from 'vitest'
import { createSqliteRevocationList } from '../../server/adapters/sqlite-revocation-list.js'
import { createMemoryRevocationList } from '../../server/ports/memory-revocation-list.js'
import { tempDir } from '../helpers/temp-dir.js'
import { runRevocationListContract } from './revocation-list-contract.js'

runRevocationListContract('memory', () => createMemoryRevocationList())

runRevocationListContract('SQLite', () => {
  const list = createSqliteRevocationList({ path: join(tempDir(), 'nested', 'tessera.db') })
  onTestFinished(() => list.close())
  return list
})

it('SQLite: what one handle adds, another on the same file lists, also after reopening', async () => {
  const path = join(tempDir(), 'tessera.db')
  const server = createSqliteRevocationList({ path })
  onTestFinished(() => server.close())
  const cli = createSqliteRevocationList({ path })
  const added = await cli.add({ kind: 'token', id: 'jti-9', atMs: 5 })
  await cli.close()
  expect(await server.list(0)).toEqual([added])
  const reopened = createSqliteRevocationList({ path })
  onTestFinished(() => reopened.close())
  expect(await reopened.list(0)).toEqual([added])
})
