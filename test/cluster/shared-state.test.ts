// What access control stores lives in PostgreSQL with --postgres, shared by every node: a row's
// audit history written through one node is read through another, a token revoked through one
// node (or `tessera token revoke --postgres`) is refused by all, and no SQLite file appears.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { createTokenVerifier } from '../../server/access/tokens.js'
import { CloseCode } from '../../src/internal.js'
import { call, testSecret } from '../helpers/auth.js'
import { bundleEntry } from '../helpers/child-server.js'
import { createDeployment } from '../helpers/cluster-nodes.js'
import { describeWithServices } from '../helpers/services.js'
import { connectClient } from '../helpers/sync-client.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitFor } from '../helpers/wait-for.js'

const verifier = createTokenVerifier({ secret: testSecret })
const tokenFor = (id: string, roles = ['editor']) =>
  verifier.sign({ id, roles }, { expiresInSeconds: 600 })

const jtiOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti

/** Runs `tessera token revoke …` as an operator would, in a child process. */
const revokeFromCli = async (args: string[]): Promise<{ code: number | null; text: string }> => {
  const cli = await bundleEntry('server/main.ts', 'cli-revoke-postgres')
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'token', 'revoke', ...args])
    let text = ''
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()))
    child.on('exit', (code) => resolve({ code, text }))
  })
}

describeWithServices('access control state shared by the nodes', () => {
  it('S54, S75: the audit log and the revocation list are in PostgreSQL, one for every node; nothing goes to a SQLite file', async () => {
    const deployment = await createDeployment()
    const dbPath = join(tempDir(), 'never-written.db')
    const options = {
      auth: { secret: testSecret },
      rules: { '*': { read: ['authenticated'], write: ['editor'], admin: ['admin'] } },
      dbPath,
    }
    const [a, b] = await Promise.all([deployment.startNode(options), deployment.startNode(options)])
    const admin = await tokenFor('ada', ['admin'])
    expect(
      (
        await call(a, 'POST', '/tables', {
          token: admin,
          body: { name: 'todos', columns: [{ name: 'title', type: 'string' }] },
        })
      ).status,
    ).toBe(201)
    const will = await tokenFor('will')
    const inserted = await call(a, 'POST', '/tables/todos/rows', {
      token: will,
      body: { id: 'r1', title: 'written on a' },
    })
    expect(inserted.status).toBe(201)
    await waitFor(
      async () =>
        (await call(b, 'GET', '/tables/todos/rows/r1/audit', { token: admin })).body.entries
          ?.length === 1,
      { what: 'node A’s audit entry read through node B' },
    )
    expect(
      (await call(b, 'GET', '/tables/todos/rows/r1/audit', { token: admin })).body.entries,
    ).toMatchObject([{ action: 'insert', userId: 'will' }])

    // Revoked through node A: the connection on node B closes (its poll of the shared list).
    const carl = await tokenFor('carl')
    const onB = connectClient(b.wsUrl, 'todos', { query: `token=${carl}` })
    await onB.whenSynced()
    const revoked = await call(a, 'POST', '/auth/revocations', {
      token: admin,
      body: { jti: jtiOf(carl) },
    })
    expect(revoked.status).toBe(201)
    expect((await onB.whenClosed()).code).toBe(CloseCode.Unauthorized)
    expect((await call(b, 'GET', '/tables/todos', { token: carl })).status).toBe(401)

    // Revoked from the command line, on the shared database: both nodes refuse the user.
    const dora = await tokenFor('dora')
    const onA = connectClient(a.wsUrl, 'todos', { query: `token=${dora}` })
    await onA.whenSynced()
    const output = await revokeFromCli(['--sub', 'dora', '--postgres', deployment.postgresUrl])
    expect(output).toMatchObject({ code: 0, text: expect.stringMatching(/in PostgreSQL/) })
    expect((await onA.whenClosed()).code).toBe(CloseCode.Unauthorized)
    // Node B polls the shared list on its own (about every second).
    await waitFor(
      async () => (await call(b, 'GET', '/tables/todos', { token: dora })).status === 401,
      {
        what: 'node B to refuse the revoked user',
      },
    )

    expect(existsSync(dbPath)).toBe(false)
  }, 60_000)
})
