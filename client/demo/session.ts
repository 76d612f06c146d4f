// Who the demo page is and which table it opens: `?table=`, `?user=`, `?role=` and `?create=`
// from the URL, the presence user kept in localStorage, and the dev login when the server has it.
import type { PresenceUser } from '../index.js'

/** A dev-login answer (docs/security.md): a signed token for the chosen name and role. */
export interface Login {
  readonly token: string
  readonly user: { readonly id: string; readonly name: string; readonly roles: string[] }
}

/** What the page knows before it connects. */
export interface Session {
  /** The table of `?table=` (default `demo`), not checked yet. */
  readonly table: string
  readonly user: PresenceUser
  /** Set when the server offers dev login (`npm run start:auth`). */
  readonly login: Login | undefined
  /** True when the page should add the default columns to an empty table. */
  readonly create: boolean
  /** fetch() with the login's token, for the REST calls the page makes. */
  api(path: string, init?: RequestInit): Promise<Response>
}

export const params = new URLSearchParams(location.search)

const names = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Margaret', 'Donald']
const colors = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#008080', '#f032e6']

function storedUser(): PresenceUser {
  const stored = localStorage.getItem('tessera-demo-user')
  const random = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!
  let user = stored === null ? undefined : (JSON.parse(stored) as PresenceUser)
  user ??= { id: crypto.randomUUID(), name: random(names), color: random(colors) }
  const name = params.get('user')
  if (name !== null) user = { ...user, name }
  localStorage.setItem('tessera-demo-user', JSON.stringify(user))
  return user
}

/**
 * Logs in as the user with the role `?role=` (default editor) when the server offers dev login;
 * undefined when it runs without auth or cannot be reached.
 */
async function devLogin(user: PresenceUser): Promise<Login | undefined> {
  const role = params.get('role') ?? 'editor'
  try {
    const response = await fetch('/auth/dev-login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: user.name, roles: [role] }),
    })
    return response.ok ? ((await response.json()) as Login) : undefined
  } catch {
    return undefined
  }
}

/** Reads the URL, picks the user and logs in when the server offers it. */
export async function startSession(): Promise<Session> {
  const stored = storedUser()
  const login = await devLogin(stored)
  // With auth the server stamps presence with the token's user: use its id from the start.
  const user =
    login === undefined ? stored : { ...stored, id: login.user.id, name: login.user.name }
  const table = params.get('table') ?? 'demo'
  return {
    table,
    user,
    login,
    create: params.get('create') === '1' || table === 'demo',
    api: (path, init = {}) =>
      fetch(path, {
        ...init,
        headers: {
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(login === undefined ? {} : { authorization: `Bearer ${login.token}` }),
        },
      }),
  }
}

/** Opens another table (or this one again with `extra` parameters). */
export function openTable(table: string, extra: Record<string, string> = {}): void {
  params.set('table', table)
  params.delete('create')
  for (const [key, value] of Object.entries(extra)) params.set(key, value)
  location.search = params.toString()
}

/** The message of an error as a person reads it: no code prefix. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
