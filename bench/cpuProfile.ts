// A Chromium CPU profile summed by self time: per module (through source maps) and per function.
import { SourceMapConsumer, type RawSourceMap } from 'source-map-js'

export interface CpuProfile {
  nodes: Array<{
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  }>
  samples: number[]
  timeDeltas: number[]
}

/** Source maps by script file name (`index-abc.js`), as the profile's URLs end. */
export type SourceMaps = Map<string, SourceMapConsumer>

/** Reads a source map for `sourceMaps`. */
export const sourceMap = (json: string) => new SourceMapConsumer(JSON.parse(json) as RawSourceMap)

/** Self time of `profile` by module and by function, as printable tables of the `top` rows. */
export function selfTime(profile: CpuProfile, maps: SourceMaps, top: number) {
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000))
  const byModule = new Map<string, number>()
  const byFunction = new Map<string, number>()
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0
    if (ms === 0) continue
    const { functionName, url: script, lineNumber, columnNumber } = node.callFrame
    const map = maps.get(script.split('/').pop()?.split('?')[0] ?? '')
    // Frames without a position (-1) have nothing to map.
    const original =
      lineNumber >= 0 ? map?.originalPositionFor({ line: lineNumber + 1, column: columnNumber }) : undefined
    const source = original?.source ?? (script || functionName)
    const module = source
      .replace(/^.*node_modules\/(@[^/]+\/[^/]+|[^/]+)\/.*$/, '$1')
      .replace(/^.*\/(src\/[^/]+|bench)\/.*$/, '$1')
      .replace(/^https?:\/\/[^/]+\//, '')
    byModule.set(module, (byModule.get(module) ?? 0) + ms)
    const where = original?.source
      ? `${original.source.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${original.line}`
      : script
    const key = `${functionName || '(anonymous)'} ${where}`
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms)
  }
  const total = [...byModule.values()].reduce((a, b) => a + b, 0)
  const table = (entries: Map<string, number>, rows: number) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, rows)
      .map(
        ([name, ms]) =>
          `${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${name}`,
      )
      .join('\n')
  return { total, byModule: table(byModule, 15), byFunction: table(byFunction, top) }
}
