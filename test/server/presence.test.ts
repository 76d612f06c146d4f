// stampPresence and the presence owners on their own: which identity, clock and size each
// presence state leaves the server with, and how long a client id stays bound to its user.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { createMemoryStore, isTesseraError } from '../../src/index.js'
import { createPresenceOwners } from '../../server/access/presence-owners.js'
import { createServer } from '../../server/index.js'
import { stampPresence, type PresenceStamp } from '../../server/access/presence.js'

/** An awareness update of one client with `state`, and a function reading states back. */
const updateOf = (state: Record<string, unknown>) => {
  const awareness = new awarenessProtocol.Awareness(new Y.Doc())
  awareness.setLocalState(state)
  return {
    clientId: awareness.clientID,
    update: awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]),
  }
}
const statesOf = (update: Uint8Array | undefined) => {
  const receiver = new awarenessProtocol.Awareness(new Y.Doc())
  if (update !== undefined) awarenessProtocol.applyAwarenessUpdate(receiver, update, 'test')
  receiver.setLocalState(null)
  return [...receiver.getStates().values()]
}
const stamp = (
  user: PresenceStamp['user'],
  owned: number[] = [],
  maxStateBytes = 4096,
): PresenceStamp => ({
  user,
  maxStateBytes,
  admit: (clientId) => !owned.includes(clientId),
  clockOf: () => 41,
})
const clocksOf = (update: Uint8Array | undefined) => {
  const receiver = new awarenessProtocol.Awareness(new Y.Doc())
  if (update !== undefined) awarenessProtocol.applyAwarenessUpdate(receiver, update, 'test')
  return [...receiver.meta.entries()]
    .filter(([id]) => id !== receiver.clientID)
    .map(([, meta]) => meta.clock)
}

describe('stampPresence', () => {
  const claim = { user: { id: 'ada', name: 'Ada', color: '#f00' }, selection: 'A1' }

  it('S52: a verified user replaces the claimed id and name; other fields pass', () => {
    const { update } = updateOf(claim)
    const result = stampPresence(update, stamp({ id: 'will', name: 'Will' }))
    expect(statesOf(result.update)).toEqual([
      { user: { id: 'will', name: 'Will', color: '#f00' }, selection: 'A1' },
    ])
  })

  it('S52: an anonymous caller keeps its name but gets an anonymous id; without auth nothing changes', () => {
    const { update, clientId } = updateOf(claim)
    expect(statesOf(stampPresence(update, stamp(null)).update)).toEqual([
      { user: { id: `anonymous-${clientId}`, name: 'Ada', color: '#f00' }, selection: 'A1' },
    ])
    expect(statesOf(stampPresence(update, stamp(undefined)).update)).toEqual([claim])
  })

  it('S53: states of client ids owned by another connection are dropped', () => {
    const { update, clientId } = updateOf(claim)
    expect(stampPresence(update, stamp({ id: 'w', name: 'W' }, [clientId]))).toEqual({
      update: undefined,
      dropped: 1,
      echoed: 0,
      oversized: [],
    })
  })

  it('S70: a kept state gets the next clock the room holds for its id, whatever the client sent', () => {
    const { update } = updateOf(claim)
    expect(clocksOf(stampPresence(update, stamp(undefined)).update)).toEqual([42])
  })

  it('S71: a state over the size limit is dropped and reported with its size', () => {
    const { update, clientId } = updateOf({ ...claim, blob: 'x'.repeat(100) })
    const bytes = JSON.stringify({ ...claim, blob: 'x'.repeat(100) }).length
    expect(stampPresence(update, stamp(null, [], bytes))).toMatchObject({ dropped: 0 })
    expect(stampPresence(update, stamp(null, [], bytes - 1))).toEqual({
      update: undefined,
      dropped: 0,
      echoed: 0,
      oversized: [{ clientId, bytes }],
    })
  })

  it('S118: a dropped state the room already holds at that clock is counted as an echo', () => {
    const { update, clientId } = updateOf(claim)
    const echo = { ...stamp({ id: 'w', name: 'W' }, [clientId]), isEcho: () => true }
    expect(stampPresence(update, echo)).toMatchObject({ dropped: 1, echoed: 1 })
  })

  it('malformed bytes are a PROTOCOL_ERROR', () => {
    let code: string | undefined
    try {
      stampPresence(new Uint8Array([5, 1]), stamp(null))
    } catch (error) {
      code = isTesseraError(error) ? error.code : 'other'
    }
    expect(code).toBe('PROTOCOL_ERROR')
  })
})

describe('presence owners', () => {
  it('S70: a binding lasts its retention after the last use, then the id is free', () => {
    let nowMs = 0
    const owners = createPresenceOwners({ retentionMs: 1000, now: () => nowMs })
    owners.bind('todos', 7, 'ann')
    expect(owners.ownerOf('todos', 7)).toBe('ann')
    expect(owners.ownerOf('other', 7)).toBeUndefined()
    nowMs = 900
    owners.bind('todos', 7, 'ann')
    nowMs = 1800
    expect(owners.ownerOf('todos', 7)).toBe('ann')
    nowMs = 1901
    expect(owners.ownerOf('todos', 7)).toBeUndefined()
  })

  it('keeps at most maxBindings, dropping the least recently used', () => {
    const owners = createPresenceOwners({ maxBindings: 2, now: () => 0 })
    owners.bind('t', 1, 'a')
    owners.bind('t', 2, 'b')
    owners.bind('t', 1, 'a')
    owners.bind('t', 3, 'c')
    expect([1, 2, 3].map((id) => owners.ownerOf('t', id))).toEqual(['a', undefined, 'c'])
  })
})

it('S71: maxPresenceBytes over a quarter of maxBufferedBytes is refused at start', async () => {
  await expect(
    createServer({
      listen: false,
      store: createMemoryStore(),
      maxPresenceBytes: 300_000,
      maxBufferedBytes: 1024 * 1024,
    }),
  ).rejects.toThrow(/maxPresenceBytes \(300000\) must be at most a quarter of maxBufferedBytes/)
})
