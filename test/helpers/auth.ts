// Tokens, authenticated REST calls and the stored state of a table, for the access-control tests.
import { createTable } from '../../src/index.js'
import { createTokenVerifier } from '../../server/access/tokens.js'
import type { TestServer } from './start-server.js'
import { storedDoc } from './stored-doc.js'

/** The HS256 secret of the test servers. */
export const testSecret = 'tessera test secret: long enough for HS256 (32+ bytes)'

/** The tokens of the access matrix, each named for what it is. */
export async function matrixTokens(): Promise<Record<string, string | undefined>> {
  const verifier = createTokenVerifier({ secret: testSecret })
  const sign = (id: string, roles: string[]) =>
    verifier.sign({ id, name: id.toUpperCase(), roles }, { expiresInSeconds: 600 })
  return {
    none: undefined,
    expired: await verifier.sign({ id: 'old', roles: ['admin'] }, { expiresInSeconds: -60 }),
    badSignature: await createTokenVerifier({ secret: `${testSecret}, but not this one` }).sign({
      id: 'mallory',
      roles: ['admin'],
    }),
    reader: await sign('rita', ['reader']),
    writer: await sign('will', ['writer']),
    admin: await sign('ada', ['admin']),
    otherTable: await sign('otto', ['other']),
  }
}

/** A REST call with an optional bearer token; the body is parsed JSON. */
export async function call(
  server: Pick<TestServer, 'url'>,
  method: string,
  path: string,
  { body, token }: { body?: unknown; token?: string | undefined } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies are checked by the assertions
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (token !== undefined) headers.authorization = `Bearer ${token}`
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body === undefined ? null : JSON.stringify(body),
  })
  const text = await response.text()
  const isJson = response.headers.get('content-type')?.includes('json') === true
  return { status: response.status, body: isJson ? JSON.parse(text) : text }
}

/** The table as SQLite holds it now (snapshot plus log), as JSON. */
export async function storedState(server: TestServer, table: string): Promise<unknown> {
  const doc = await storedDoc(server.store, table)
  const state = createTable({ doc }).toJSON()
  doc.destroy()
  return state
}
