// S213 on PostgreSQL + Redis: the progress of a CSV import posted to one node streams from
// another node (Server-Sent Events), to its end.
import { expect, it } from 'vitest'
import { call } from '../helpers/auth.js'
import { createDeployment } from '../helpers/cluster-nodes.js'
import { describeWithServices } from '../helpers/services.js'

type Progress = { phase: string; percent?: number; result?: { inserted: number } }

/** Reads a progress stream to its end. */
const progressOf = async (url: string): Promise<Progress[]> => {
  const response = await fetch(url)
  const text = await response.text()
  return [...text.matchAll(/data: (.*)\n\n/g)].map((match) => JSON.parse(match[1]!) as Progress)
}

describeWithServices('CSV import progress on a cluster', () => {
  it('S213: GET …/import/progress on another node streams the import to its end', async () => {
    const deployment = await createDeployment()
    const [a, b] = await Promise.all([deployment.startNode(), deployment.startNode()])
    const columns = [{ name: 'title', type: 'string' }]
    expect((await call(a, 'POST', '/tables', { body: { name: 'items', columns } })).status).toBe(
      201,
    )
    const watching = progressOf(`${b.url}/tables/items/import/progress?job=j1`)
    const csv = `title\r\n${Array.from({ length: 5000 }, (_, n) => `row ${n}`).join('\r\n')}\r\n`
    const imported = await fetch(`${a.url}/tables/items/import?job=j1`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    })
    expect(imported.status).toBe(200)
    const events = await watching
    expect(events.at(-1)).toMatchObject({ phase: 'done', percent: 100, result: { inserted: 5000 } })
    // Opened after the end, within the minute a finished job is kept: its last state.
    const late = await progressOf(`${b.url}/tables/items/import/progress?job=j1`)
    expect(late.at(-1)).toMatchObject({ phase: 'done', result: { inserted: 5000 } })
  })
})
