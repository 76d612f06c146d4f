// stampPresence on its own: which identity each presence state leaves the server with.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { isTesseraError } from '../../src/index.js'
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
const stamp = (user: PresenceStamp['user'], owned: number[] = []): PresenceStamp => ({
  user,
  isOwnedElsewhere: (clientId) => owned.includes(clientId),
})

describe('stampPresence', () => {
  const claim = { user: { id: 'ada', name: 'Ada', color: '#f00' }, selection: 'A1' }

  it('S52: a verified user replaces the claimed id and name; other fields pass', () => {
    const { update } = updateOf(claim)
    const result = stampPresence(update, stamp({ id: 'will', name: 'Will' }))
    expect(result.stamped).toBe(1)
    expect(statesOf(result.update)).toEqual([
      { user: { id: 'will', name: 'Will', color: '#f00' }, selection: 'A1' },
    ])
  })

  it('S52: an anonymous caller keeps its name but gets an anonymous id; without auth nothing changes', () => {
    const { update, clientId } = updateOf(claim)
    expect(statesOf(stampPresence(update, stamp(null)).update)).toEqual([
      { user: { id: `anonymous-${clientId}`, name: 'Ada', color: '#f00' }, selection: 'A1' },
    ])
    const unchanged = stampPresence(update, stamp(undefined))
    expect(unchanged.update).toBe(update)
  })

  it('S53: states of client ids owned by another connection are dropped', () => {
    const { update, clientId } = updateOf(claim)
    expect(stampPresence(update, stamp({ id: 'w', name: 'W' }, [clientId]))).toEqual({
      update: undefined,
      dropped: 1,
      echoed: 0,
      stamped: 0,
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
