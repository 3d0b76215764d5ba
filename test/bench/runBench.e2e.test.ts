import { existsSync } from 'node:fs'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONTENDERS, runBench } from '../../bench/runBench'

// A short run of the real benchmark, so it cannot rot: every contender, every scenario,
// the eviction test, and the report files.
describe('the benchmark (smoke: 5 images, one round)', () => {
  it('measures every contender and writes the table, the raw numbers and the chart', async () => {
    const out = await mkdtemp(join(tmpdir(), 'pixstore-bench-smoke-'))
    const results = await runBench({ n: 5, rounds: 1, scaleEntries: [200, 400], out, log: () => undefined })
    for (const scenario of ['cold', 'warm', 'grid'] as const) {
      for (const contender of CONTENDERS) {
        const run = results.runs.find((r) => r.scenario === scenario && r.contender === contender)
        expect(run, `${scenario} ${contender}`).toBeDefined()
        expect(run!.perImage).toHaveLength(scenario === 'grid' ? 100 : 5)
        expect(run!.allDecoded).toBeGreaterThan(0)
      }
    }
    const requests = (scenario: 'warm' | 'grid', contender: (typeof CONTENDERS)[number]) =>
      results.runs.find((r) => r.scenario === scenario && r.contender === contender)!.backendRequests
    // The grid shows 5 distinct images 100 times: the kit fetches each once, pixstore 3 does not dedupe.
    expect(requests('grid', 'kit-object-url')).toBe(5)
    expect(requests('grid', 'kit-worker')).toBe(5)
    expect(requests('grid', 'pixstore3')).toBe(100)
    expect(requests('warm', 'kit-object-url')).toBe(0)
    expect(requests('warm', 'kit-worker')).toBe(0)
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
    expect(JSON.parse(await readFile(join(out, 'latest.json'), 'utf8')).runs).toHaveLength(12)
    expect(existsSync(join(out, 'chart.png'))).toBe(true)
  }, 300_000)
})
