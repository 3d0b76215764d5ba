import { describe, expect, it } from 'vitest'
import {
  roundRatios,
  targets,
  type BenchResults,
  type BenchRun,
  type ContenderName,
  type ScenarioName,
} from '../../bench/report'

const run = (
  round: number,
  scenario: ScenarioName,
  contender: ContenderName,
  allDecoded: number,
): BenchRun => ({
  round,
  scenario,
  contender,
  allDecoded,
  perImage: [allDecoded / 2, allDecoded],
  workerResponses: [1],
  idbTransactions: 0,
  viaWorker: 0,
  phases: { firstAsked: NaN, firstAnswered: NaN },
  backendRequests: 2,
  heap: 0,
  cpu: 0,
  mainThread: allDecoded / 2,
})

const results = (runs: BenchRun[]): BenchResults => ({
  date: '2026-12-07T00:00:00.000Z',
  machine: { cpus: 2, cpuModel: 'test', memoryGiB: 1, chromium: '0', node: 'v0' },
  config: {
    n: 2,
    rounds: 3,
    imageBytes: { min: 1, max: 1, mean: 1 },
    gallery: { count: 0, meanBytes: 0 },
  },
  runs,
  scale: [],
})

const targetOf = (bench: BenchResults, name: string) => targets(bench).find((t) => t.name.startsWith(name))!

describe('the report', () => {
  it('pairs two contenders round by round, leaving out a round only one of them ran', () => {
    const bench = results([
      run(2, 'returning', 'kit-worker', 1300),
      run(0, 'returning', 'kit-worker', 1100),
      run(1, 'returning', 'kit-worker', 1500),
      run(0, 'returning', 'sw-encrypted-floor', 1000),
      run(2, 'returning', 'sw-encrypted-floor', 1000),
      // Another scenario's run of the same contenders is no round of this one.
      run(1, 'warm', 'sw-encrypted-floor', 100),
    ])
    expect(roundRatios(bench, 'returning', 'kit-worker', 'sw-encrypted-floor', 'allDecoded')).toEqual([
      1.1, 1.3,
    ])
    expect(roundRatios(bench, 'returning', 'kit-worker', 'sw-encrypted-floor', 'first')).toEqual([1.1, 1.3])
    expect(roundRatios(bench, 'returning', 'kit-worker', 'plain', 'allDecoded')).toEqual([])
  })

  it("shows beside a target's ratio of medians how its rounds' ratios spread", () => {
    const rounds = [
      [1100, 1000],
      [1500, 1000],
      [1300, 1100],
    ]
    const bench = results(
      rounds.flatMap(([kit, floor], round) => [
        run(round, 'returning', 'kit-worker', kit!),
        run(round, 'returning', 'sw-encrypted-floor', floor!),
      ]),
    )
    const target = targetOf(bench, 'returning visit, new images, worker path over the encrypted SW floor')
    // Medians 1300 and 1000; per round 1.10, 1.50 and 1.18.
    expect(target.measured).toBe('1.30x (1300 vs 1000 ms; rounds 1.10-1.50)')
    expect(target.met).toBe(false)
  })

  it('shows no spread for a single round', () => {
    const bench = results([run(0, 'early', 'kit-worker', 1050), run(0, 'early', 'sw-encrypted-floor', 1000)])
    const target = targetOf(
      bench,
      'reload 500 ms after the first visit, worker path over the encrypted SW floor',
    )
    expect(target.measured).toBe('1.05x (1050 vs 1000 ms)')
    expect(target.met).toBe(true)
  })
})
