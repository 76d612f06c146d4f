// Revoking tokens before they expire (S75) on a real server: by token id or by user, through the
// admin REST call and the `tessera token revoke` CLI, kept in the store, and reaching connections
// and live query streams that are already open.
import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { CloseCode } from '../../src/internal.js'
import { createTokenVerifier } from '../../server/access/tokens.js'
import { call, testSecret } from '../helpers/auth.js'
import { bundleEntry } from '../helpers/child-server.js'
import { startServer, type TestServer } from '../helpers/start-server.js'
import { connectClient } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

const verifier = createTokenVerifier({ secret: testSecret })
const tokenFor = (id: string, roles: string[] = ['editor']) =>
  verifier.sign({ id, roles }, { expiresInSeconds: 600 })

/** The `jti` claim of a token (what an operator reads off a token to revoke it). */
const jtiOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti

const startAuthServer = async (options: Parameters<typeof startServer>[0] = {}) => {
  const server = await startServer({
    auth: { secret: testSecret },
    rules: { '*': { read: ['authenticated'], write: ['editor'], admin: ['admin'] } },
    ...options,
  })
  const admin = await tokenFor('ada', ['admin'])
  expect(
    (await call(server, 'POST', '/tables', { token: admin, body: { name: 'todos' } })).status,
  ).toBe(201)
  return { server, admin }
}

/** Opens a live query stream and collects what it sends until it ends. */
const openStream = async (server: TestServer, token: string) => {
  const response = await fetch(`${server.url}/tables/todos/live`, {
    headers: { authorization: `Bearer ${token}` },
  })
  expect(response.status).toBe(200)
  let text = ''
  let isEnded = false
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  void (async () => {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      text += decoder.decode(read.value, { stream: true })
    }
    isEnded = true
  })()
  await waitFor(() => text.includes('event: snapshot'), { what: 'the snapshot event' })
  return {
    get text() {
      return text
    },
    get isEnded() {
      return isEnded
    },
  }
}

describe('S75: revoking a token', () => {
  it('S75: the admin REST call revokes one token by jti: its connection closes with 4401, its stream ends, its requests fail; another token of the user still works', async () => {
    const { server, admin } = await startAuthServer()
    const revoked = await tokenFor('ann')
    const other = await tokenFor('ann')
    const client = connectClient(server.wsUrl, 'todos', { query: `token=${revoked}` })
    const kept = connectClient(server.wsUrl, 'todos', { query: `token=${other}` })
    await Promise.all([client.whenSynced(), kept.whenSynced()])
    const stream = await openStream(server, revoked)

    const answer = await call(server, 'POST', '/auth/revocations', {
      token: admin,
      body: { jti: jtiOf(revoked) },
    })
    expect(answer.status).toBe(201)
    expect(answer.body).toMatchObject({ kind: 'token', id: jtiOf(revoked) })

    expect(await client.whenClosed()).toEqual({
      code: CloseCode.Unauthorized,
      reason: 'the token was revoked; sign in again for a new one',
    })
    await waitFor(() => stream.isEnded, { what: 'the stream to end' })
    expect(stream.text).toMatch(
      /event: error\ndata: \{"code":"UNAUTHORIZED","message":"the token was revoked/,
    )
    expect((await call(server, 'GET', '/tables/todos', { token: revoked })).status).toBe(401)
    const again = connectClient(server.wsUrl, 'todos', { query: `token=${revoked}` })
    expect((await again.whenClosed()).code).toBe(CloseCode.Unauthorized)
    expect((await call(server, 'GET', '/tables/todos', { token: other })).status).toBe(200)
    await kept.save()
    expect(kept.closed).toBeUndefined()
  })

  it('S75: revoking a user ends every token issued until then; a token issued later works', async () => {
    const { server, admin } = await startAuthServer()
    const first = await tokenFor('bob')
    const client = connectClient(server.wsUrl, 'todos', { query: `token=${first}` })
    await client.whenSynced()
    const answer = await call(server, 'POST', '/auth/revocations', {
      token: admin,
      body: { sub: 'bob' },
    })
    expect(answer.status).toBe(201)
    const revokedSecond = Math.floor(Date.parse(answer.body.at as string) / 1000)
    expect((await client.whenClosed()).code).toBe(CloseCode.Unauthorized)
    expect((await call(server, 'GET', '/tables/todos', { token: first })).status).toBe(401)
    // Token times are whole seconds: a token from the second of the revocation is refused too.
    await waitFor(() => Math.floor(Date.now() / 1000) > revokedSecond, { what: 'the next second' })
    expect(
      (await call(server, 'GET', '/tables/todos', { token: await tokenFor('bob') })).status,
    ).toBe(200)
    expect((await call(server, 'GET', '/tables/todos', { token: admin })).status).toBe(200)
  })

  it('S75: only an admin revokes others; anyone may revoke their own user; bad bodies are 400', async () => {
    const { server } = await startAuthServer()
    const ann = await tokenFor('ann')
    const body = { sub: 'bob' }
    expect((await call(server, 'POST', '/auth/revocations', { body })).status).toBe(401)
    expect((await call(server, 'POST', '/auth/revocations', { token: ann, body })).status).toBe(403)
    expect(
      (
        await call(server, 'POST', '/auth/revocations', {
          token: ann,
          body: { jti: 'x', sub: 'y' },
        })
      ).body.error.code,
    ).toBe('INVALID_ARGUMENT')
    const self = await call(server, 'POST', '/auth/revocations', {
      token: ann,
      body: { sub: 'ann' },
    })
    expect(self.status).toBe(201)
    expect((await call(server, 'GET', '/auth/me', { token: ann })).status).toBe(401)
  })

  it('S75: `tessera token revoke` writes to the server’s database; the running server closes the connection within seconds, and the revocation survives a restart', async () => {
    const { server } = await startAuthServer()
    const token = await tokenFor('carl')
    const client = connectClient(server.wsUrl, 'todos', { query: `token=${token}` })
    await client.whenSynced()
    const cli = await bundleEntry('server/main.ts', 'cli-revoke')
    const output = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const child = spawn(process.execPath, [
        cli,
        'token',
        'revoke',
        '--jti',
        jtiOf(token),
        '--db',
        server.dbPath,
      ])
      let text = ''
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()))
      child.on('exit', (code) => resolve({ code, text }))
    })
    expect(output).toMatchObject({ code: 0, text: expect.stringMatching(/revoked token/) })
    expect((await client.whenClosed()).code).toBe(CloseCode.Unauthorized)
    await server.close()
    const restarted = await startServer({
      auth: { secret: testSecret },
      dbPath: server.dbPath,
      rules: { '*': { read: ['authenticated'] } },
    })
    expect((await call(restarted, 'GET', '/tables/todos', { token })).status).toBe(401)
  })
})
