// Polls a condition until it holds: the only way tests wait (no sleeps).
import { setTimeout as delay } from 'node:timers/promises'

/** Resolves once `predicate` returns true; rejects after `timeoutMs` (default 10 s) naming `what`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  { timeoutMs = 10_000, intervalMs = 5, what = 'a condition' } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await predicate()) return
    if (Date.now() > deadline)
      throw new Error(`waitFor: timed out after ${timeoutMs} ms waiting for ${what}`)
    await delay(intervalMs)
  }
}
