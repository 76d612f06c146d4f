// Heap in use after a full collection, in MiB, for tests that check memory returns to baseline.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Heap plus external memory after two full collections, in MiB. */
export const heapMb = (): number => {
  gc()
  gc()
  const usage = process.memoryUsage()
  return (usage.heapUsed + usage.external) / 2 ** 20
}
