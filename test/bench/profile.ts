// CPU profiles for the benchmarks (TESSERA_BENCH_PROFILE=<dir>): the inspector's sampling
// profiler around one piece of work in this process, written as a .cpuprofile (open it in Chrome
// DevTools), and the profile's top frames by self time, for docs/benchmarks.md.
import { mkdirSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'

/** Where profiles go; undefined when the run is not profiled. */
export const profileDir = process.env.TESSERA_BENCH_PROFILE

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

/** A V8 CPU profile, as the inspector returns it. */
export interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
}

/** Starts the profiler (200 µs samples); the returned function stops it and returns the profile. */
export async function startProfile(): Promise<() => Promise<CpuProfile>> {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 200 })
  await session.post('Profiler.start')
  return async () => {
    const { profile } = await session.post('Profiler.stop')
    session.disconnect()
    return profile as unknown as CpuProfile
  }
}

/** Writes `profile` to `<profileDir>/<name>.cpuprofile`; returns the path. */
export function saveProfile(profile: CpuProfile, name: string): string {
  const dir = profileDir ?? '.'
  mkdirSync(dir, { recursive: true })
  const path = join(dir, `${name}.cpuprofile`)
  writeFileSync(path, JSON.stringify(profile))
  return path
}

/** The `count` frames with the most samples of their own, as "12.3 % name file:line". */
export function topFrames(profile: CpuProfile, count: number): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const self = new Map<string, number>()
  for (const id of profile.samples) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame
    const file = url.split('/').slice(-2).join('/')
    const key = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`
    self.set(key, (self.get(key) ?? 0) + 1)
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, samples]) => `${((samples / profile.samples.length) * 100).toFixed(1)} % ${key}`)
}
