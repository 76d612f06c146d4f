// The check of each createServer option (options.ts): what its value must be, in the words of
// the INVALID_ARGUMENT message. Knows the values' shapes, not the defaults.
import { TesseraError } from '../src/index.js'
import { parseRules } from './access/rules.js'
import { checkTokenOptions } from './access/tokens.js'

/** What a value must be (the end of "option x must be …"), or undefined when it is fine. */
export type Check = (value: unknown) => string | undefined
const integer =
  (min: number): Check =>
  (value) =>
    Number.isSafeInteger(value) && (value as number) >= min ? undefined : `an integer >= ${min}`
const text: Check = (value) =>
  typeof value === 'string' && value !== '' ? undefined : 'a non-empty string'
const flag: Check = (value) => (typeof value === 'boolean' ? undefined : 'true or false')
const fn: Check = (value) => (typeof value === 'function' ? undefined : 'a function')
/**
 * How each option of `createServer` is checked: what a value must be, said as the end of
 * "option x must be …", or undefined when it is fine. options.ts holds it to every option.
 */
export const serverOptionChecks = {
  host: text,
  port: (value) => integer(0)(value) ?? ((value as number) > 65535 ? '0 to 65535' : undefined),
  dbPath: text,
  store: (value) =>
    typeof value === 'object' && value !== null && 'append' in value ? undefined : 'a Store',
  postgresUrl: (value) =>
    typeof value === 'string' && /^postgres(ql)?:\/\/./.test(value)
      ? undefined
      : 'a postgres:// or postgresql:// URL',
  redisUrl: (value) =>
    typeof value === 'string' && /^rediss?:\/\/./.test(value)
      ? undefined
      : 'a redis:// or rediss:// URL',
  sqliteSynchronous: (value) =>
    value === 'full' || value === 'normal' ? undefined : '"full" or "normal"',
  maxMessageBytes: integer(1024),
  maxImportBytes: integer(1),
  maxConnectionsPerTable: integer(1),
  compactAfterUpdates: integer(1),
  compactAfterBytes: integer(1),
  historyRetentionMs: integer(0),
  idleUnloadMs: integer(0),
  canCreateTables: flag,
  staticDir: (value) => (value === false ? undefined : text(value)),
  authenticate: fn,
  authorize: fn,
  onError: fn,
  logger: (value) =>
    typeof value === 'object' && value !== null && 'error' in value ? undefined : 'a Logger',
  auth: (value) =>
    checkThrows(() => {
      checkTokenOptions(value)
    }),
  rules: (value) => checkThrows(() => parseRules(value)),
  rulesPath: text,
  adminRoles: (value) =>
    Array.isArray(value) && value.every((role) => typeof role === 'string' && role !== '')
      ? undefined
      : 'a list of role names',
  auditRetentionMs: integer(1),
  isInsecure: flag,
  devLogin: flag,
  maxUpdateStructs: integer(1),
  maxValueDepth: integer(1),
  maxMessagesPerSecond: integer(1),
  maxBytesPerSecond: integer(1024),
  maxBufferedBytes: integer(1024),
  maxPresenceBytes: integer(64),
  maxConnectionsPerIp: integer(1),
  maxPendingConnections: integer(1),
  maxPendingBytes: integer(1024),
  syncAnswerBytesPerSecond: integer(1024),
  syncAnswerBurstBytes: integer(0),
  joinSliceBytes: integer(0),
} satisfies Record<string, Check>

/** Runs a parser that throws INVALID_ARGUMENT; its message becomes the expectation. */
function checkThrows(parse: () => unknown): string | undefined {
  try {
    parse()
    return undefined
  } catch (error) {
    return error instanceof TesseraError ? `valid (${error.message})` : String(error)
  }
}
