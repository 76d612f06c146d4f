// One server on PostgreSQL (--postgres): tables are created in an empty schema owned by an
// ordinary role, and a restarted server reads back what the first one stored.
import { expect, it } from 'vitest'
import { createPostgresStore } from '../../server/adapters/postgres-store.js'
import { createServer } from '../../server/index.js'
import { describeWithServices, freshPostgresUrl } from '../helpers/services.js'

const json = async (url: string, method = 'GET', body?: unknown): Promise<unknown> => {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return response.json()
}

describeWithServices('a server on PostgreSQL', () => {
  it('creates its tables on first start and keeps every table across a restart', async () => {
    const postgresUrl = await freshPostgresUrl()
    const first = await createServer({ host: '127.0.0.1', port: 0, staticDir: false, postgresUrl })
    await json(`${first.url!}/tables`, 'POST', {
      name: 'todos',
      columns: [{ name: 'title', type: 'string' }],
    })
    await json(`${first.url!}/tables/todos/rows`, 'POST', { id: 'r1', title: 'stored' })
    await first.close()
    const second = await createServer({ host: '127.0.0.1', port: 0, staticDir: false, postgresUrl })
    try {
      expect(await json(`${second.url!}/tables`)).toEqual({ tables: ['todos'] })
      expect(await json(`${second.url!}/tables/todos/rows/r1`)).toMatchObject({ title: 'stored' })
    } finally {
      await second.close()
    }
    // The data sits in the URL's schema, nowhere else.
    const store = await createPostgresStore({ url: postgresUrl })
    expect(await store.list()).toEqual(['todos'])
    await store.close()
  })
})
