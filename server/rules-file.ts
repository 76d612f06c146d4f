// The rules file (option `rulesPath`): read at start, then watched, so that a change applies to
// new and open connections without a restart (S76). A broken file keeps the rules in force.
import { watch, readFileSync, type FSWatcher } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { TesseraError } from '../src/index.js'
import { parseRules, type RuleSet } from './access/rules.js'
import type { Logger } from './logger.js'

/** Options of `watchRulesFile`. */
export interface RulesFileOptions {
  /** The JSON file: an object of table name (or "*") to rule, as the `rules` option. */
  path: string
  /** Receives the rules read at start and after each valid change. */
  onRules(rules: RuleSet): void
  logger: Logger
  onError?: ((error: TesseraError) => void) | undefined
  /** How long the file must be quiet before it is read again; default 50 ms. */
  settleMs?: number
}

/**
 * Reads and checks a rules file.
 * @throws INVALID_ARGUMENT naming the file and what is wrong with it
 */
export function readRulesFile(path: string): RuleSet {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (cause) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `cannot read the rules file "${path}": ${String(cause)}`,
      { cause },
    )
  }
  try {
    return parseRules(JSON.parse(text))
  } catch (cause) {
    const reason = cause instanceof TesseraError ? cause.message : `not JSON (${String(cause)})`
    throw new TesseraError('INVALID_ARGUMENT', `the rules file "${path}": ${reason}`, { cause })
  }
}

/**
 * Reads the rules file, hands its rules to `onRules`, and watches it for changes (the folder is
 * watched, so an editor that replaces the file is seen too). Returns the function that stops.
 * @throws INVALID_ARGUMENT when the file cannot be read or holds invalid rules at start
 */
export function watchRulesFile(options: RulesFileOptions): () => void {
  const path = resolve(options.path)
  const { logger, settleMs = 50 } = options
  options.onRules(readRulesFile(path))
  let last = readFileSync(path, 'utf8')
  let timer: NodeJS.Timeout | undefined
  const reload = (): void => {
    let text: string
    try {
      text = readFileSync(path, 'utf8')
      if (text === last) return
      const rules = readRulesFile(path)
      last = text
      options.onRules(rules)
      logger.info(`rules reloaded from "${path}"`)
    } catch (error) {
      const failure = new TesseraError(
        'INVALID_ARGUMENT',
        `${error instanceof Error ? error.message : String(error)}; the previous rules stay in force`,
        { cause: error },
      )
      logger.error(failure.message, error)
      options.onError?.(failure)
    }
  }
  let watcher: FSWatcher
  try {
    watcher = watch(dirname(path), (_event, filename) => {
      if (filename !== null && filename !== basename(path)) return
      clearTimeout(timer)
      timer = setTimeout(reload, settleMs)
      timer.unref()
    })
  } catch (cause) {
    throw new TesseraError(
      'INVALID_ARGUMENT',
      `cannot watch the rules file "${path}": ${String(cause)}`,
      { cause },
    )
  }
  watcher.unref()
  return () => {
    clearTimeout(timer)
    watcher.close()
  }
}
