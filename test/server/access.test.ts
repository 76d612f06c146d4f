import { describe, expect, it } from 'vitest'
import { isTesseraError } from '../../src/index.js'
import { accessFor, parseRules } from '../../server/access/rules.js'
import { createTokenVerifier } from '../../server/access/tokens.js'

const secret = 'a test secret that is long enough for HS256 signing'

const failure = async (run: () => Promise<unknown>) => {
  try {
    await run()
  } catch (error) {
    return isTesseraError(error) ? `${error.code}: ${error.message}` : String(error)
  }
  return 'no error'
}

describe('tokens', () => {
  const verifier = createTokenVerifier({ secret })

  it('verifies a signed token into a user with roles', async () => {
    const token = await verifier.sign(
      { id: 'u1', name: 'Ann', roles: ['editor'] },
      { expiresInSeconds: 60 },
    )
    const user = await verifier.verify(token)
    expect(user).toMatchObject({ id: 'u1', name: 'Ann', roles: ['editor'] })
    expect(user.expiresAtMs).toBeGreaterThan(Date.now())
  })

  it('refuses expired, foreign, malformed and missing tokens with UNAUTHORIZED and the reason', async () => {
    const expired = await verifier.sign({ id: 'u1' }, { expiresInSeconds: -10 })
    const foreign = await createTokenVerifier({ secret: `${secret} but another one` }).sign({
      id: 'u1',
    })
    expect(await failure(() => verifier.verify(expired))).toMatch(
      /^UNAUTHORIZED: the token has expired/,
    )
    expect(await failure(() => verifier.verify(foreign))).toMatch(
      /^UNAUTHORIZED: the token signature is invalid/,
    )
    expect(await failure(() => verifier.verify('not.a.jwt'))).toMatch(
      /^UNAUTHORIZED: the token is malformed/,
    )
    expect(await failure(() => verifier.verify(''))).toMatch(/^UNAUTHORIZED: a token is required/)
  })

  it('refuses a short secret at start', () => {
    expect(() => createTokenVerifier({ secret: 'short' })).toThrow(/at least 32 bytes/)
  })
})

describe('rules', () => {
  const rules = parseRules({
    todos: { read: ['public'], write: ['editor'], delete: ['admin'], admin: ['admin'] },
    '*': { read: ['authenticated'], write: ['writer'] },
  })
  const user = (...roles: string[]) => ({ id: 'u', name: 'u', roles, expiresAtMs: undefined })

  it('gives each role what its table rule allows, with "*" for the other tables', () => {
    expect(accessFor(rules, 'todos', null, true)).toMatchObject({
      canRead: true,
      canUpdateRows: false,
      canAdminister: false,
    })
    expect(accessFor(rules, 'todos', user('editor'), true)).toMatchObject({
      canRead: true,
      canInsertRows: true,
      canUpdateRows: true,
      canDeleteRows: false,
      canAdminister: false,
    })
    expect(accessFor(rules, 'todos', user('admin'), true)).toMatchObject({
      canDeleteRows: true,
      canAdminister: true,
    })
    expect(accessFor(rules, 'notes', null, true).canRead).toBe(false)
    expect(accessFor(rules, 'notes', user(), true)).toMatchObject({
      canRead: true,
      canUpdateRows: false,
    })
    expect(accessFor(rules, 'notes', user('writer'), true).canUpdateRows).toBe(true)
  })

  it('defaults to authenticated read/write and admin schema when auth is on, everything when off', () => {
    expect(accessFor(new Map(), 't', null, true).canRead).toBe(false)
    expect(accessFor(new Map(), 't', user(), true)).toMatchObject({
      canRead: true,
      canInsertRows: true,
      canAdminister: false,
    })
    expect(accessFor(new Map(), 't', null, false)).toMatchObject({
      canRead: true,
      canAdminister: true,
    })
  })

  it('refuses a malformed rules section naming the path', () => {
    expect(() => parseRules({ todos: { raed: ['public'] } })).toThrow(
      'config rules.todos.raed: unknown operation',
    )
    expect(() => parseRules({ todos: { read: 'public' } })).toThrow(
      /rules.todos.read: expected a list of role names/,
    )
    expect(() => parseRules([])).toThrow(/expected an object/)
  })
})
