// Presence over a y-protocols Awareness: who is here (user id, name, colour) and which cell each
// one has selected. Relayed by the server, never stored in the table (S45).
import type { Awareness } from 'y-protocols/awareness'
import { TesseraError } from '../src/index.js'
import { createEmitter } from './emitter.js'

/** Who a client is, as other clients see it. */
export interface PresenceUser {
  readonly id: string
  readonly name: string
  /** A CSS colour, e.g. `#e6194b`. */
  readonly color: string
}

/** A cell, by row id and column name. */
export interface CellAddress {
  readonly row: string
  readonly column: string
}

/**
 * The cell a client has selected (its active cell), and with `to` the opposite corner of the
 * range it selected (S121). A range is drawn between its corner rows as each viewer's own sort
 * and filter place them.
 */
export interface Selection extends CellAddress {
  readonly table: string
  readonly to?: CellAddress
}

/** Another client connected to the same table. */
export interface Peer {
  /** Its Yjs client id: the `by` of the conflicts it causes. */
  readonly clientId: number
  readonly user: PresenceUser
  readonly selection: Selection | null
}

/** This client's presence and the presence of the other clients on the table. */
export interface Presence {
  readonly clientId: number
  readonly user: PresenceUser
  setUser(user: PresenceUser): void
  /** Publishes the selected cell and, with `to`, range (`null`: nothing selected). */
  setSelection(selection: (CellAddress & { to?: CellAddress }) | null): void
  readonly selection: Selection | null
  /** The other clients now connected, ordered by client id. */
  peers(): Peer[]
  /** The user of a client id, including clients that have left since this one saw them. */
  userOf(clientId: number): PresenceUser | undefined
  /** Called with `peers()` whenever another client joins, leaves or changes its presence. */
  on(event: 'change', handler: (peers: Peer[]) => void): () => void
  destroy(): void
}

const palette = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6']

/** Checks a user given by the app; `where` names the argument in the message. */
export function checkUser(user: unknown, where: string): PresenceUser {
  const candidate = user as Partial<PresenceUser> | null
  for (const field of ['id', 'name', 'color'] as const) {
    if (typeof candidate?.[field] !== 'string' || candidate[field].length === 0) {
      throw new TesseraError(
        'INVALID_ARGUMENT',
        `${where}: user.${field} must be a non-empty string, e.g. { id: 'u1', name: 'Ada', color: '#e6194b' }`,
      )
    }
  }
  return { id: candidate!.id!, name: candidate!.name!, color: candidate!.color! }
}

/** A user for a client that gave none: an anonymous name and a colour picked from its id. */
export function anonymousUser(clientId: number): PresenceUser {
  return {
    id: `anonymous-${clientId}`,
    name: `Guest ${clientId % 1000}`,
    color: palette[clientId % palette.length]!,
  }
}

const isAddress = (value: unknown): value is CellAddress =>
  typeof (value as Partial<CellAddress> | null)?.row === 'string' &&
  typeof (value as Partial<CellAddress>).column === 'string'

/** A selection as sent by a client, or null when it is malformed or of another table. */
function readSelection(value: unknown, table: string): Selection | null {
  const sel = value as Partial<Selection> | null | undefined
  if (!isAddress(sel) || (sel as Partial<Selection>).table !== table) return null
  const to = (sel as Partial<Selection>).to
  const cell = { table, row: sel.row, column: sel.column }
  return isAddress(to) ? { ...cell, to: { row: to.row, column: to.column } } : cell
}

export function createPresence(
  awareness: Awareness,
  table: string,
  user: PresenceUser,
  onError: (error: unknown) => void,
): Presence {
  const emitter = createEmitter<{ change: (peers: Peer[]) => void }>(onError)
  const known = new Map<number, PresenceUser>()
  let selection: Selection | null = null
  let current = user
  awareness.setLocalState({ user: current, selection })

  const readPeer = (clientId: number, state: unknown): Peer | undefined => {
    const value = state as { user?: unknown; selection?: unknown } | null
    try {
      const peerUser = checkUser(value?.user, 'presence')
      return { clientId, user: peerUser, selection: readSelection(value?.selection, table) }
    } catch {
      // Another client's malformed presence is ignored: it must not break this one.
      return undefined
    }
  }

  const peers = (): Peer[] => {
    const list: Peer[] = []
    awareness.getStates().forEach((state, clientId) => {
      if (clientId === awareness.clientID) return
      const peer = readPeer(clientId, state)
      if (peer === undefined) return
      known.set(clientId, peer.user)
      list.push(peer)
    })
    return list.sort((a, b) => a.clientId - b.clientId)
  }

  const onChange = (changes: { added: number[]; updated: number[]; removed: number[] }): void => {
    const ids = [...changes.added, ...changes.updated, ...changes.removed]
    if (ids.every((id) => id === awareness.clientID)) return
    emitter.emit('change', peers())
  }
  awareness.on('change', onChange)

  return {
    get clientId() {
      return awareness.clientID
    },
    get user() {
      return current
    },
    setUser(next) {
      current = checkUser(next, 'presence.setUser')
      awareness.setLocalStateField('user', current)
    },
    get selection() {
      return selection
    },
    setSelection(next) {
      const checked = next === null ? null : readSelection({ ...next, table }, table)
      if (next !== null && (checked === null || (next.to !== undefined) !== 'to' in checked)) {
        throw new TesseraError(
          'INVALID_ARGUMENT',
          'presence.setSelection: give { row, column, to?: { row, column } } (strings) or null',
        )
      }
      selection = checked
      awareness.setLocalStateField('selection', selection)
    },
    peers,
    userOf: (clientId) => {
      if (clientId === awareness.clientID) return current
      peers()
      return known.get(clientId)
    },
    on: (event, handler) => {
      if (event !== 'change') {
        throw new TesseraError('INVALID_ARGUMENT', `presence.on: unknown event "${String(event)}"`)
      }
      return emitter.on(event, handler)
    },
    destroy() {
      awareness.off('change', onChange)
      emitter.clear()
    },
  }
}
