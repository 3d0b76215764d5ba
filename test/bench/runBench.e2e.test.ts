import { existsSync } from 'node:fs'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { chartSvg } from '../../bench/renderChart'
import { targets } from '../../bench/report'
import { CONTENDERS, FLOORS, runBench } from '../../bench/runBench'

// A short run of the real benchmark, so it cannot rot: every contender in every scenario it
// runs in (the floors in cold and warm), the first-screen gallery, the eviction test, and the
// report files.
describe('the benchmark (smoke: 5 images, one round)', () => {
  it('measures every contender and writes the table, the raw numbers and the chart', async () => {
    const out = await mkdtemp(join(tmpdir(), 'pixstore-bench-smoke-'))
    const results = await runBench({
      n: 5,
      gallery: 300,
      rounds: 1,
      scaleEntries: [200, 400],
      out,
      log: () => undefined,
    })
    // The 1100x900 viewport shows 9 rows of 10 tiles of the gallery first.
    const shown = { cold: 5, warm: 5, grid: 100, screen: 90 }
    for (const scenario of ['cold', 'warm', 'grid', 'screen'] as const) {
      for (const contender of CONTENDERS) {
        const run = results.runs.find((r) => r.scenario === scenario && r.contender === contender)
        if (FLOORS.includes(contender) && (scenario === 'grid' || scenario === 'screen')) {
          expect(run, `${scenario} ${contender}`).toBeUndefined()
          continue
        }
        expect(run, `${scenario} ${contender}`).toBeDefined()
        expect(run!.perImage).toHaveLength(shown[scenario])
        expect(run!.allDecoded).toBeGreaterThan(0)
      }
    }
    // A returning visit shows 5 images never shown before: each fetched once, and on the
    // worker path every one through the worker, which loads them itself.
    const returning = results.runs.filter((r) => r.scenario === 'returning')
    expect(returning.map((r) => r.contender).sort()).toEqual(
      ['kit-object-url', 'kit-worker', 'pixstore3', 'plain', 'sw-floor', 'sw-encrypted-floor'].sort(),
    )
    for (const run of returning) {
      expect(run.perImage, run.contender).toHaveLength(5)
      expect(run.backendRequests, run.contender).toBe(5)
    }
    const back = returning.find((r) => r.contender === 'kit-worker')!
    expect(back.viaWorker).toBe(5)
    // The reload right after a first visit, the SW floors beside it: the images it showed, none
    // fetched again on a kit path.
    const early = results.runs.filter((r) => r.scenario === 'early')
    expect(early.map((r) => r.contender).sort()).toEqual(
      ['kit-object-url', 'kit-worker', 'pixstore3', 'plain', 'sw-floor', 'sw-encrypted-floor'].sort(),
    )
    for (const run of early) expect(run.perImage, run.contender).toHaveLength(5)
    for (const contender of ['kit-object-url', 'kit-worker'] as const)
      expect(early.find((r) => r.contender === contender)!.backendRequests, contender).toBe(0)
    // Every run measured its page's main thread, from the measured document's start.
    for (const run of results.runs)
      expect(run.mainThread, `${run.scenario} ${run.contender}`).toBeGreaterThan(0)
    // A worker that lost its cache reads every image from the pages' Dexie database itself:
    // nothing reaches the backend, the page's main thread reads nothing, and every image still
    // comes through the worker. Only the two kit paths run there.
    const refill = results.runs.filter((r) => r.scenario === 'refill')
    expect(refill.map((r) => r.contender).sort()).toEqual(['kit-object-url', 'kit-worker'])
    const lost = refill.find((r) => r.contender === 'kit-worker')!
    expect(lost.perImage).toHaveLength(5)
    expect(lost.backendRequests).toBe(0)
    expect(lost.viaWorker).toBe(5)
    expect(lost.idbTransactions).toBe(0)
    // Warm, the worker answers from what it kept: the page reads nothing.
    const warm = results.runs.find((r) => r.scenario === 'warm' && r.contender === 'kit-worker')!
    expect(warm.idbTransactions, `through the worker: ${warm.viaWorker} of 5`).toBe(0)
    // Visible first: the kit asks for the first screen's 90 images and nothing else; pixstore 3
    // asks for every image, in order, as fast as connections allow.
    const screenRequests = (contender: (typeof CONTENDERS)[number]) =>
      results.runs.find((r) => r.scenario === 'screen' && r.contender === contender)!.backendRequests
    expect(screenRequests('kit-object-url')).toBe(90)
    expect(screenRequests('pixstore3')).toBeGreaterThanOrEqual(90)
    const requests = (scenario: 'cold' | 'warm' | 'grid', contender: (typeof CONTENDERS)[number]) =>
      results.runs.find((r) => r.scenario === scenario && r.contender === contender)!.backendRequests
    // The grid shows 5 distinct images 100 times: the kit fetches each once, pixstore 3 does not dedupe.
    // The SW floor's images pass its fetch handler: cold it fetches each through to the server.
    expect(requests('cold', 'sw-floor')).toBe(5)
    // The object URL floor fetches each image once, and its writes land before the reload.
    expect(requests('cold', 'object-url-floor')).toBe(5)
    expect(requests('warm', 'object-url-floor')).toBe(0)
    expect(requests('warm', 'react-floor')).toBe(0)
    expect(requests('warm', 'react-query-floor')).toBe(0)
    expect(requests('grid', 'kit-object-url')).toBe(5)
    expect(requests('grid', 'kit-worker')).toBe(5)
    expect(requests('grid', 'pixstore3')).toBe(100)
    expect(requests('warm', 'kit-object-url')).toBe(0)
    expect(requests('warm', 'kit-worker')).toBe(0)
    expect(requests('warm', 'kit-core')).toBe(0)
    expect(requests('warm', 'sw-floor')).toBe(0)
    expect(results.runs.find((r) => r.scenario === 'warm' && r.contender === 'kit-worker')!.viaWorker).toBe(5)
    expect(results.scale.map((r) => [r.contender, r.entries, r.evicted])).toEqual([
      ['kit', 200, 100],
      ['pixstore3', 200, 100],
      ['kit', 400, 100],
      ['pixstore3', 400, 100],
    ])
    const markdown = await readFile(join(out, 'latest.md'), 'utf8')
    expect(markdown).toContain('### Warm (page reload, caches full)')
    expect(markdown).toContain('### Targets')
    // Each unmet ratio is set beside its floor's.
    expect(markdown).toMatch(/\| object URL floor: \d+\.\d\dx \(\d+ vs \d+ ms\) \|/)
    expect(markdown).toMatch(/\| React floor: \d+\.\d\dx \(\d+ vs \d+ ms\); React Query floor: \d+\.\d\dx/)
    expect(markdown).toContain('### First screen of a 300-image gallery')
    // The browser's CPU over all its processes, per load: what says a load is bound by the machine.
    if (process.platform === 'linux') {
      expect(results.runs.filter((r) => !(r.cpu > 0))).toEqual([])
      expect(markdown).toMatch(/\| plain `<img>` \(unencrypted\) (\| [\d.]+ ){7}\| \d+ \|/)
    }
    expect(markdown).toContain("### Warm, the worker's cache lost")
    expect(markdown).toContain('### Returning visit, new images')
    expect(markdown).toContain('### Reload right after the first visit')
    expect(markdown).toMatch(
      /\| returning visit, new images: the worker path's main-thread busy time .*\| \d+\.\d\dx/,
    )
    expect(markdown).toMatch(
      /\| returning visit, new images, worker path over the encrypted SW floor .*\| \d+\.\d\dx/,
    )
    expect(markdown).toMatch(
      /\| reload 500 ms after the first visit, worker path over the encrypted SW floor .*\| \d+\.\d\dx/,
    )
    expect(JSON.parse(await readFile(join(out, 'latest.json'), 'utf8')).runs).toHaveLength(42)
    expect(existsSync(join(out, 'chart.png'))).toBe(true)
    // The chart carries every target's ratio and its floor's, as the table does.
    const { svg } = chartSvg(results)
    for (const target of targets(results)) {
      expect(svg).toContain(target.measured)
      for (const floor of target.floors ?? []) expect(svg).toContain(floor)
    }
  }, 300_000)
})
