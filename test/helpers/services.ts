// The PostgreSQL and Redis the multi-node tests run against (test/services/start-services.sh),
// and a fresh PostgreSQL schema per test so tests never see each other's tables.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { describe, type SuiteAPI } from 'vitest'

/** URLs of the test servers, or undefined when they are not configured (the tests skip). */
export const services =
  process.env.TESSERA_TEST_POSTGRES_URL && process.env.TESSERA_TEST_REDIS_URL
    ? {
        postgresUrl: process.env.TESSERA_TEST_POSTGRES_URL,
        redisUrl: process.env.TESSERA_TEST_REDIS_URL,
      }
    : undefined

/** `describe`, skipped (and counted by test/services/skip-reporter.ts) without the servers. */
export const describeWithServices: ReturnType<SuiteAPI['skipIf']> = describe.skipIf(
  services === undefined,
)

/** A schema name no other test uses. */
export const freshSchema = (): string => `t_${randomBytes(6).toString('hex')}`

/** The test servers; throws when called without them (only inside describeWithServices). */
export function requireServices(): { postgresUrl: string; redisUrl: string } {
  if (services === undefined) throw new Error('PostgreSQL and Redis are not configured')
  return services
}

/**
 * Creates a fresh schema and returns the PostgreSQL URL whose search_path points at it: what a
 * server given `postgresUrl` uses as its own empty database.
 */
export async function freshPostgresUrl(): Promise<string> {
  const { postgresUrl } = requireServices()
  const schema = freshSchema()
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  try {
    await client.query(`CREATE SCHEMA ${schema}`)
  } finally {
    await client.end()
  }
  const url = new URL(postgresUrl)
  url.searchParams.set('options', `-c search_path=${schema}`)
  return url.toString()
}
