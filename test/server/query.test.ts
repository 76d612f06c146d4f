// Queries over REST and the live query SSE stream, with edits arriving over WebSocket.
import { describe, expect, it } from 'vitest'
import { createTable } from '../../src/index.js'
import { startServer, type TestServer } from '../helpers/start-server.js'
import { connectStockProvider } from '../helpers/sync-client.js'
import { waitFor } from '../helpers/wait-for.js'

const setup = async (): Promise<TestServer> => {
  const server = await startServer()
  const post = (path: string, body: unknown) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  await post('/tables', {
    name: 'tasks',
    columns: [
      { name: 'title', type: 'string' },
      { name: 'priority', type: 'number', default: 0 },
      { name: 'done', type: 'boolean', default: false },
    ],
  })
  await post('/tables/tasks/rows', [
    { id: 'a', title: 'a', priority: 1 },
    { id: 'b', title: 'b', priority: 5 },
    { id: 'c', title: 'c', priority: 3, done: true },
    { id: 'd', title: 'd', priority: 4 },
  ])
  return server
}

/** Reads Server-Sent Events from a streaming response body. */
const readEvents = (body: ReadableStream<Uint8Array>) => {
  const events: { event: string; data: any }[] = [] // eslint-disable-line @typescript-eslint/no-explicit-any
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  const pump = async (): Promise<void> => {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      buffer += decoder.decode(value, { stream: true })
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const event = /^event: (.*)$/m.exec(block)?.[1]
        const data = /^data: (.*)$/m.exec(block)?.[1]
        if (event !== undefined && data !== undefined)
          events.push({ event, data: JSON.parse(data) })
      }
    }
  }
  void pump().catch(() => undefined)
  return { events, cancel: () => reader.cancel() }
}

describe('REST queries', () => {
  it('runs a query from the query string and from a POST body', async () => {
    const server = await setup()
    const query = { where: { done: false, priority: { gte: 2 } }, orderBy: [['priority', 'desc']] }
    const viaGet = await fetch(
      `${server.url}/tables/tasks/query?query=${encodeURIComponent(JSON.stringify(query))}`,
    )
    const body = (await viaGet.json()) as { rows: { id: string }[]; total: number }
    expect(body.rows.map((row) => row.id)).toEqual(['b', 'd'])
    expect(body.total).toBe(2)
    const viaPost = await fetch(`${server.url}/tables/tasks/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderBy: 'priority', limit: 2, offset: 1, select: ['title'] }),
    })
    expect(await viaPost.json()).toEqual({
      rows: [
        { id: 'c', title: 'c' },
        { id: 'd', title: 'd' },
      ],
      total: 4,
    })
  })

  it('answers INVALID_QUERY (400) for a malformed query', async () => {
    const server = await setup()
    for (const query of ['{not json', JSON.stringify({ where: { priority: { gtt: 1 } } })]) {
      const response = await fetch(
        `${server.url}/tables/tasks/query?query=${encodeURIComponent(query)}`,
      )
      expect(response.status).toBe(400)
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'INVALID_QUERY',
      )
    }
  })

  it('S89: a query nested 20,000 levels deep answers 400 INVALID_QUERY (also over GET and SSE)', async () => {
    const server = await setup()
    // Written as text: JSON.stringify itself would run out of stack on it. A URL holds less
    // (Node refuses request heads over 16 KiB), so GET and SSE get 500 levels.
    const nested = (depth: number) =>
      `{"where":${'{"not":'.repeat(depth)}{"priority":{"gt":1}}${'}'.repeat(depth)}}`
    const inUrl = encodeURIComponent(nested(500))
    const responses = [
      await fetch(`${server.url}/tables/tasks/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: nested(20_000),
      }),
      await fetch(`${server.url}/tables/tasks/query?query=${inUrl}`),
      await fetch(`${server.url}/tables/tasks/live?query=${inUrl}`),
    ]
    for (const response of responses) {
      expect(response.status).toBe(400)
      const { error } = (await response.json()) as { error: { code: string; message: string } }
      expect(error.code).toBe('INVALID_QUERY')
      expect(error.message).toMatch(/^where(\.not){33}: and, or and not nest deeper than 32 levels/)
    }
    // The server is unharmed: the same table answers a sane query.
    const sane = await fetch(
      `${server.url}/tables/tasks/query?query=${encodeURIComponent('{"where":{"not":{"priority":{"gt":3}}}}')}`,
    )
    expect(((await sane.json()) as { rows: unknown[] }).rows).toHaveLength(2)
  })

  it('streams a live query over SSE: a snapshot, then one diff per WebSocket edit', async () => {
    const server = await setup()
    const query = { where: { done: false }, orderBy: [['priority', 'desc']], limit: 2 }
    const controller = new AbortController()
    const response = await fetch(
      `${server.url}/tables/tasks/live?query=${encodeURIComponent(JSON.stringify(query))}`,
      { signal: controller.signal },
    )
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const stream = readEvents(response.body!)
    await waitFor(() => stream.events.length === 1, { what: 'the snapshot' })
    expect(stream.events[0]!.event).toBe('snapshot')
    expect(stream.events[0]!.data.rows.map((row: { id: string }) => row.id)).toEqual(['b', 'd'])

    const client = connectStockProvider(server.wsUrl, 'tasks')
    await waitFor(() => client.provider.synced, { what: 'sync' })
    const table = createTable({ doc: client.doc })
    table.insertRow({ id: 'e', title: 'e', priority: 9 })
    await waitFor(() => stream.events.length === 2, { what: 'the diff' })
    const diff = stream.events[1]!
    expect(diff.event).toBe('diff')
    expect(diff.data).toMatchObject({
      added: [{ row: { id: 'e', priority: 9 }, index: 0 }],
      removed: [{ id: 'd', index: 1 }],
      total: 4,
      source: 'remote',
    })
    controller.abort()
    await stream.cancel().catch(() => undefined)
  })
})
