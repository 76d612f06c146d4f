import { onTestFinished, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createPostgresStore } from '../../server/adapters/postgres-store.js'
import { isTesseraError } from '../../src/index.js'
import { describeWithServices, freshSchema, requireServices } from '../helpers/services.js'
import { runStoreContract } from '../server/store-contract.js'
import { runGenerationContract } from '../server/store-generation-contract.js'

const open = async (schema = freshSchema()) => {
  const store = await createPostgresStore({ url: requireServices().postgresUrl, schema })
  onTestFinished(() => store.close())
  return store
}

describeWithServices('PostgreSQL store', () => {
  runStoreContract('PostgreSQL', () => open())
  runGenerationContract('PostgreSQL', () => open())

  it('S90: appends from many connections get distinct sequence numbers in commit order', async () => {
    const schema = freshSchema()
    const stores = await Promise.all([open(schema), open(schema), open(schema)])
    const seqs = await Promise.all(
      Array.from({ length: 60 }, (_, index) =>
        stores[index % 3]!.append('t', [
          { update: new Uint8Array([index]), atMs: 1, author: null },
        ]),
      ),
    )
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1))
    expect((await stores[0].load('t')).updates).toHaveLength(60)
  })

  it('S92: concurrent compactions of one table lose no update appended meanwhile', async () => {
    const schema = freshSchema()
    const [a, b] = await Promise.all([open(schema), open(schema)])
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => updates.push(update))
    for (let round = 0; round < 20; round++) {
      doc.getMap('m').set(`k${round}`, round)
      const seq = await a.append('t', [{ update: updates.at(-1)!, atMs: round, author: 'a' }])
      const snapshot = Y.encodeStateAsUpdate(doc)
      // Two servers compact at once while a third append lands; every key must survive.
      doc.getMap('m').set(`late${round}`, round)
      await Promise.all([
        a.compact('t', snapshot, seq),
        b.compact('t', snapshot, seq),
        b.append('t', [{ update: updates.at(-1)!, atMs: round, author: 'b' }]),
      ])
    }
    const loaded = await b.load('t')
    const copy = new Y.Doc()
    if (loaded.snapshot) Y.applyUpdate(copy, loaded.snapshot)
    for (const update of loaded.updates) Y.applyUpdate(copy, update)
    expect(copy.getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON())
  })

  it('S90: an entry is never dated before the one it follows, whichever node dated it', async () => {
    const schema = freshSchema()
    const [fast, slow] = await Promise.all([open(schema), open(schema)])
    const entry = (atMs: number) => ({ update: new Uint8Array([1]), atMs, author: null })
    await fast.append('t', [entry(5000), entry(5001)])
    // A node whose clock is 2 s behind appends next: its entries take the table's time.
    await slow.append('t', [entry(3000), entry(5005)])
    await fast.append('t', [entry(6000)])
    const times = (await slow.readLog('t', 0, 10)).map((logged) => logged.atMs)
    expect(times).toEqual([5000, 5001, 5001, 5005, 6000])
    // After a delete the table starts over, at 1 and with no time to keep up with.
    await fast.delete('t')
    expect(await slow.append('t', [entry(10)])).toBe(1)
    expect((await slow.readLog('t', 0, 10)).map((logged) => logged.atMs)).toEqual([10])
  })

  it('reports an unreachable database as STORAGE_FAILURE', async () => {
    const error: unknown = await createPostgresStore({
      url: 'postgres://nobody:wrong@127.0.0.1:1/none',
    }).catch((caught: unknown) => caught)
    expect(isTesseraError(error, 'STORAGE_FAILURE')).toBe(true)
  })
})
