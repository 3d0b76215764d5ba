// Where the milliseconds of one contender go: a Chromium CPU profile (through CDP) of one
// cold or warm load, self time summed by module (through the page's source maps) and by
// function. Writes the .cpuprofile for DevTools.
//   npx tsx bench/profile.ts --contender kit-object-url --scenario warm [--n 100] [--out dir]
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { SourceMapConsumer, type RawSourceMap } from 'source-map-js'
import { launchBrowser, startBenchServer } from './benchServer.ts'
import type { PageResult } from './page/main.tsx'
import { waitForResult } from './runBench.ts'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
}
interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const { values } = parseArgs({
  options: {
    contender: { type: 'string', default: 'kit-object-url' },
    scenario: { type: 'string', default: 'warm' },
    n: { type: 'string', default: '100' },
    out: { type: 'string', default: 'bench/results/profiles' },
    top: { type: 'string', default: '25' },
  },
})
const n = Number(values.n)
const server = await startBenchServer({
  n,
  gallery: 1,
  sizes: [
    [520, 390],
    [600, 450],
    [640, 480],
  ],
  profiling: true,
})
const browser = await launchBrowser()
try {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } })
  const page = await context.newPage()
  const url = `${server.base}?contender=${values.contender}&scenario=${values.scenario}&n=${n}&gallery=1`
  if (values.scenario === 'warm') {
    await page.goto(url)
    await waitForResult<PageResult>(page)
    if (values.contender === 'kit-worker' || values.contender === 'sw-floor')
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
  } else {
    // Same origin first, so the profiled navigation stays in this renderer.
    await page.goto(`${server.base}?idle`)
  }
  const cdp = await context.newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 })
  await cdp.send('Profiler.start')
  if (values.scenario === 'warm') await page.reload()
  else await page.goto(url)
  const result = await waitForResult<PageResult>(page)
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile }
  await mkdir(resolve(values.out!), { recursive: true })
  const file = join(resolve(values.out!), `${values.contender}-${values.scenario}.cpuprofile`)
  await writeFile(file, JSON.stringify(profile))

  // Self time per node, then per module (source-mapped) and per function.
  const maps = new Map<string, SourceMapConsumer>()
  const assets = join(server.pageDir, 'assets')
  for (const name of await readdir(assets))
    if (name.endsWith('.js.map'))
      maps.set(
        name.slice(0, -4),
        new SourceMapConsumer(JSON.parse(await readFile(join(assets, name), 'utf8')) as RawSourceMap),
      )
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000))
  const byModule = new Map<string, number>()
  const byFunction = new Map<string, number>()
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0
    if (ms === 0) continue
    const { functionName, url: script, lineNumber, columnNumber } = node.callFrame
    const map = maps.get(script.split('/').pop() ?? '')
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
  const table = (entries: Map<string, number>, top: number) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([name, ms]) =>
          `${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${name}`,
      )
      .join('\n')
  console.log(
    `${values.contender}, ${values.scenario}: all decoded ${result.allDecoded.toFixed(0)} ms, first ${Math.min(...result.perImage).toFixed(0)} ms; profile ${total.toFixed(0)} ms (${file})`,
  )
  console.log('\nself time by module\n' + table(byModule, 15))
  console.log('\nself time by function\n' + table(byFunction, Number(values.top)))
  await context.close()
} finally {
  await browser.close()
  await server.close()
}
