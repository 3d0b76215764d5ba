// Turns raw benchmark runs into medians, target checks and a markdown report.
import type { PageResult, ScaleResult } from './page/main.tsx'

export type ContenderName =
  | 'kit-object-url'
  | 'kit-worker'
  | 'kit-core'
  | 'react-floor'
  | 'react-query-floor'
  | 'pixstore3'
  | 'object-url-floor'
  | 'sw-floor'
  | 'sw-encrypted-floor'
  | 'plain'
export type ScenarioName = 'cold' | 'warm' | 'returning' | 'early' | 'refill' | 'grid' | 'screen'
/**
 * Every scenario, in the report's order. `returning`: a later visit in the same browser (the
 * first visit settled, its worker in control) showing images never shown before. `early`: a
 * reload 500 ms after the first visit's images all showed, whatever was still being handed on.
 * `refill`: a reload the worker controls after it lost its Cache Storage and restarted
 * (IndexedDB full), so it reads every image from IndexedDB itself.
 */
export const SCENARIOS: ScenarioName[] = ['cold', 'warm', 'returning', 'early', 'refill', 'grid', 'screen']

export interface BenchRun extends PageResult {
  round: number
  scenario: ScenarioName
  contender: ContenderName
  backendRequests: number
  heap: number
  /** CPU ms of every browser process from the navigation to the result; NaN off Linux (`browserCpuMs`). */
  cpu: number
  /** ms the page's main thread was busy with tasks from the navigation to the result (CDP `TaskDuration`). */
  mainThread: number
}

export interface BenchResults {
  date: string
  machine: { cpus: number; cpuModel: string; memoryGiB: number; chromium: string; node: string }
  config: {
    n: number
    rounds: number
    imageBytes: { min: number; max: number; mean: number }
    /** Images in the first-screen gallery, and their mean size. */
    gallery: { count: number; meanBytes: number }
  }
  runs: BenchRun[]
  scale: Array<ScaleResult & { contender: 'kit' | 'pixstore3' }>
}

export const LABELS: Record<ContenderName, string> = {
  'kit-object-url': 'kit, object URL path',
  'kit-worker': 'kit, service-worker path',
  'kit-core': 'kit core without React (getImage)',
  'react-floor': 'React floor (kit core, useState + useEffect)',
  'react-query-floor': 'React Query floor (kit core, useQuery)',
  pixstore3: 'pixstore 3 frontend',
  'object-url-floor': 'object URL floor (IndexedDB, AES-GCM, Blob; no library)',
  'sw-floor': 'SW floor (CacheFirst worker, unencrypted)',
  'sw-encrypted-floor': 'encrypted SW floor (worker: IndexedDB, fetch, AES-GCM, Cache Storage; no library)',
  plain: 'plain <img> (unencrypted)',
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

export interface Summary {
  allDecoded: number
  /** The first image decoded, ms from the start. */
  first: number
  p50: number
  p95: number
  backendRequests: number
  idbTransactions: number
  heapMiB: number
  cpuMs: number
  mainThreadMs: number
  viaWorker: number
  workerP50: number
  workerP95: number
}

/** Each run's figure of every column, whose medians over rounds the report shows. */
const RUN_FIGURES: Record<keyof Summary, (run: BenchRun) => number> = {
  allDecoded: (r) => r.allDecoded,
  first: (r) => Math.min(...r.perImage),
  p50: (r) => percentile(r.perImage, 50),
  p95: (r) => percentile(r.perImage, 95),
  backendRequests: (r) => r.backendRequests,
  idbTransactions: (r) => r.idbTransactions,
  heapMiB: (r) => r.heap / 2 ** 20,
  cpuMs: (r) => r.cpu,
  // Runs from before the main thread was measured have none.
  mainThreadMs: (r) => r.mainThread ?? NaN,
  viaWorker: (r) => r.viaWorker,
  workerP50: (r) => percentile(r.workerResponses, 50),
  workerP95: (r) => percentile(r.workerResponses, 95),
}

/** Medians over rounds of each run's numbers. */
export function summarize(results: BenchResults, scenario: ScenarioName, contender: ContenderName): Summary {
  const runs = results.runs.filter((r) => r.scenario === scenario && r.contender === contender)
  const summary = {} as Summary
  for (const name of Object.keys(RUN_FIGURES) as Array<keyof Summary>)
    summary[name] = median(runs.map(RUN_FIGURES[name]))
  return summary
}

/**
 * `a`'s `figure` over `b`'s in each round both ran, in round order: side by side in one
 * round, the machine's drift between rounds cancels out, so their spread shows the noise.
 */
export function roundRatios(
  results: BenchResults,
  scenario: ScenarioName,
  a: ContenderName,
  b: ContenderName,
  figure: keyof Summary,
): number[] {
  const byRound = (contender: ContenderName) =>
    new Map(
      results.runs
        .filter((r) => r.scenario === scenario && r.contender === contender)
        .map((r) => [r.round, RUN_FIGURES[figure](r)]),
    )
  const bs = byRound(b)
  return [...byRound(a)]
    .filter(([round]) => bs.has(round))
    .sort(([x], [y]) => x - y)
    .map(([round, value]) => value / bs.get(round)!)
}

export interface Target {
  name: string
  measured: string
  /** The same ratio for the floors of that path, where they were measured: the best this machine allows. */
  floors?: string[]
  met: boolean
}

export function targets(results: BenchResults): Target[] {
  const s = (scenario: ScenarioName, contender: ContenderName) => summarize(results, scenario, contender)
  const ran = (scenario: ScenarioName) => results.runs.some((r) => r.scenario === scenario)
  const sizes = [...new Set(results.scale.map((r) => r.entries))].sort((a, b) => a - b)
  const peak = (contender: 'kit' | 'pixstore3', entries: number | undefined) =>
    results.scale.find((r) => r.contender === contender && r.entries === entries)?.peakHeap ?? NaN
  const small = sizes[0]
  const large = sizes[sizes.length - 1]
  const kitGrowth = peak('kit', large) / Math.max(peak('kit', small), 1)
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`
  /** `a`'s figure over `b`'s in `scenario`: the ratio of their medians, and the spread of the rounds' ratios. */
  const vs = (
    scenario: ScenarioName,
    a: ContenderName,
    b: ContenderName,
    figure: keyof Summary = 'allDecoded',
  ) => {
    const [top, bottom] = [s(scenario, a)[figure], s(scenario, b)[figure]]
    const ratios = roundRatios(results, scenario, a, b, figure)
    const spread =
      ratios.length > 1 ? `; rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}` : ''
    return `${(top / bottom).toFixed(2)}x (${top.toFixed(0)} vs ${bottom.toFixed(0)} ms${spread})`
  }
  /** The same ratio for a floor, labelled; nothing where the floor did not run. */
  const floor = (
    label: string,
    scenario: ScenarioName,
    a: ContenderName,
    b: ContenderName,
    figure: keyof Summary = 'allDecoded',
  ) =>
    Number.isFinite(s(scenario, a)[figure] / s(scenario, b)[figure])
      ? `${label}: ${vs(scenario, a, b, figure)}`
      : undefined
  const floors = (...measured: Array<string | undefined>) => {
    const shown = measured.filter((m) => m !== undefined)
    return shown.length > 0 ? shown : undefined
  }
  const pathFloors = {
    'kit-object-url': { contender: 'object-url-floor', label: 'object URL floor' },
    'kit-worker': { contender: 'sw-floor', label: 'SW floor' },
  } as const
  const decoded = (scenario: ScenarioName, contender: ContenderName) => s(scenario, contender).allDecoded
  return [
    {
      name: "warm, React worker path: at least 3x faster than pixstore 3's frontend, all decoded",
      measured: vs('warm', 'pixstore3', 'kit-worker'),
      floors: floors(floor('SW floor', 'warm', 'pixstore3', 'sw-floor')),
      met: decoded('warm', 'pixstore3') >= 3 * decoded('warm', 'kit-worker'),
    },
    {
      name: "warm, React object-URL path: at least 2.5x faster than pixstore 3's frontend, all decoded",
      measured: vs('warm', 'pixstore3', 'kit-object-url'),
      floors: floors(floor('object URL floor', 'warm', 'pixstore3', 'object-url-floor')),
      met: decoded('warm', 'pixstore3') >= 2.5 * decoded('warm', 'kit-object-url'),
    },
    ...(['kit-object-url', 'kit-worker'] as const).map((contender) => ({
      name: `cold, ${LABELS[contender]}: at least 1.2x faster than pixstore 3's frontend, all decoded`,
      measured: vs('cold', 'pixstore3', contender),
      floors: floors(
        floor(pathFloors[contender].label, 'cold', 'pixstore3', pathFloors[contender].contender),
      ),
      met: decoded('cold', 'pixstore3') >= 1.2 * decoded('cold', contender),
    })),
    {
      name: 'warm, React worker path: first image within 2x of plain <img>',
      measured: vs('warm', 'kit-worker', 'plain', 'first'),
      floors: floors(floor('SW floor', 'warm', 'sw-floor', 'plain', 'first')),
      met: s('warm', 'kit-worker').first <= 2 * s('warm', 'plain').first,
    },
    ...(['kit-object-url', 'kit-worker'] as const).map((contender) => ({
      name: `cold, ${LABELS[contender]}: first image within 2x of plain <img>`,
      measured: vs('cold', contender, 'plain', 'first'),
      floors: floors(
        floor(pathFloors[contender].label, 'cold', pathFloors[contender].contender, 'plain', 'first'),
        // A React path mounts its components before it asks: React Query's own hook does too.
        floor('React Query floor', 'cold', 'react-query-floor', 'plain', 'first'),
      ),
      met: s('cold', contender).first <= 2 * s('cold', 'plain').first,
    })),
    {
      name: 'warm, React layer over the bare core (object URL path vs getImage): at most 1.1x',
      measured: vs('warm', 'kit-object-url', 'kit-core'),
      floors: floors(
        floor('React floor', 'warm', 'react-floor', 'kit-core'),
        floor('React Query floor', 'warm', 'react-query-floor', 'kit-core'),
      ),
      met: decoded('warm', 'kit-object-url') <= 1.1 * decoded('warm', 'kit-core'),
    },
    {
      name: 'warm, React worker path over the SW floor: at most 1.2x',
      measured: vs('warm', 'kit-worker', 'sw-floor'),
      met: decoded('warm', 'kit-worker') <= 1.2 * decoded('warm', 'sw-floor'),
    },
    {
      name: 'warm, worker path: per-image request → response, p95 (p50)',
      measured: `${s('warm', 'kit-worker').workerP95.toFixed(1)} ms (${s('warm', 'kit-worker').workerP50.toFixed(1)} ms)`,
      met: s('warm', 'kit-worker').workerP95 < 5,
    },
    ...(['kit-object-url', 'kit-worker'] as const).map((contender) => {
      const grid = results.runs.filter((r) => r.scenario === 'grid' && r.contender === contender)
      return {
        name: `grid of 100 components / 10 images, ${LABELS[contender]}: exactly 10 backend requests`,
        measured: [...new Set(grid.map((r) => r.backendRequests))].join(', ') + ' per run',
        met: grid.length > 0 && grid.every((r) => r.backendRequests === 10),
      }
    }),
    ...(ran('screen') ? (['kit-object-url', 'kit-worker'] as const) : []).map((contender) => ({
      name: `first screen of the gallery, ${LABELS[contender]}: faster than pixstore 3's frontend`,
      measured: vs('screen', 'pixstore3', contender),
      met: decoded('screen', contender) < decoded('screen', 'pixstore3'),
    })),
    ...(ran('returning')
      ? [
          {
            name: "returning visit, new images, worker path: at least 1.2x faster than pixstore 3's frontend",
            measured: vs('returning', 'pixstore3', 'kit-worker'),
            floors: floors(
              floor('SW floor', 'returning', 'pixstore3', 'sw-floor'),
              floor('encrypted SW floor', 'returning', 'pixstore3', 'sw-encrypted-floor'),
            ),
            met: decoded('returning', 'pixstore3') >= 1.2 * decoded('returning', 'kit-worker'),
          },
          {
            name: "returning visit, new images, worker path over the encrypted SW floor (the kit's work, no library): at most 1.05x",
            measured: vs('returning', 'kit-worker', 'sw-encrypted-floor'),
            met: decoded('returning', 'kit-worker') <= 1.05 * decoded('returning', 'sw-encrypted-floor'),
          },
          {
            name: 'returning visit, new images, worker path over the SW floor: at most 1.15x',
            measured: vs('returning', 'kit-worker', 'sw-floor'),
            met: decoded('returning', 'kit-worker') <= 1.15 * decoded('returning', 'sw-floor'),
          },
          {
            name: "returning visit, new images: the worker path's main-thread busy time at most 1/3 of the object URL path's",
            measured: vs('returning', 'kit-worker', 'kit-object-url', 'mainThreadMs'),
            floors: floors(
              floor('SW floor over plain images', 'returning', 'sw-floor', 'plain', 'mainThreadMs'),
            ),
            met:
              3 * s('returning', 'kit-worker').mainThreadMs <= s('returning', 'kit-object-url').mainThreadMs,
          },
        ]
      : []),
    ...(ran('early')
      ? [
          {
            name: "reload 500 ms after the first visit, worker path: at least 3x faster than pixstore 3's frontend",
            measured: vs('early', 'pixstore3', 'kit-worker'),
            floors: floors(
              floor('SW floor', 'early', 'pixstore3', 'sw-floor'),
              floor('encrypted SW floor', 'early', 'pixstore3', 'sw-encrypted-floor'),
            ),
            met: decoded('early', 'pixstore3') >= 3 * decoded('early', 'kit-worker'),
          },
          {
            name: 'reload 500 ms after the first visit, worker path over the encrypted SW floor (whose first visit its worker served): at most 1.05x',
            measured: vs('early', 'kit-worker', 'sw-encrypted-floor'),
            met: decoded('early', 'kit-worker') <= 1.05 * decoded('early', 'sw-encrypted-floor'),
          },
        ]
      : []),
    {
      name: `eviction: memory does not grow with the store (${small} → ${large} entries)`,
      measured: `kit ${mib(peak('kit', small))} → ${mib(peak('kit', large))}; pixstore 3 ${mib(peak('pixstore3', small))} → ${mib(peak('pixstore3', large))}`,
      met: kitGrowth < 1.5 || peak('kit', large) < 2 * 2 ** 20,
    },
  ]
}

function row(cells: Array<string | number>): string {
  return `| ${cells.join(' | ')} |`
}

export function report(results: BenchResults): string {
  const { machine, config } = results
  const lines = [
    `## Benchmark results`,
    '',
    `${results.date.slice(0, 10)} · ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB · Chromium ${machine.chromium} · Node ${machine.node}`,
    `${config.n} JPEG images of ${(config.imageBytes.min / 1024).toFixed(0)}-${(config.imageBytes.max / 1024).toFixed(0)} KiB (mean ${(config.imageBytes.mean / 1024).toFixed(0)} KiB), medians of ${config.rounds} interleaved rounds.`,
    '',
  ]
  const titles: Record<ScenarioName, string> = {
    cold: 'Cold (empty caches)',
    warm: 'Warm (page reload, caches full)',
    returning:
      'Returning visit, new images (the first visit settled and its worker in control; then as many images never shown before)',
    early:
      "Reload right after the first visit (500 ms after its images all showed; the worker's hand-over or not)",
    refill:
      "Warm, the worker's cache lost (page reload, IndexedDB full; the worker restarted without its Cache Storage)",
    grid: 'Grid (100 components, 10 distinct images, cold)',
    screen: `First screen of a ${config.gallery.count.toLocaleString('en')}-image gallery (cold, 1100x900 viewport, ${(config.gallery.meanBytes / 1024).toFixed(0)} KiB images)`,
  }
  const scenarios = SCENARIOS.filter((scenario) => results.runs.some((r) => r.scenario === scenario))
  for (const scenario of scenarios) {
    lines.push(`### ${titles[scenario]}`, '')
    lines.push(
      row([
        'contender',
        scenario === 'screen' ? 'first screen decoded (ms)' : 'all decoded (ms)',
        'first image (ms)',
        'per image p50 (ms)',
        'p95 (ms)',
        'server requests',
        'main-thread IDB transactions',
        'JS heap after (MiB)',
        'browser CPU (ms)',
        'main thread busy (ms)',
      ]),
    )
    lines.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']))
    for (const contender of Object.keys(LABELS) as ContenderName[]) {
      if (!results.runs.some((r) => r.scenario === scenario && r.contender === contender)) continue
      const s = summarize(results, scenario, contender)
      lines.push(
        row([
          LABELS[contender].replace('<img>', '`<img>`'),
          s.allDecoded.toFixed(0),
          s.first.toFixed(0),
          s.p50.toFixed(0),
          s.p95.toFixed(0),
          s.backendRequests,
          s.idbTransactions,
          s.heapMiB.toFixed(1),
          Number.isFinite(s.cpuMs) ? s.cpuMs.toFixed(0) : 'n/a',
          Number.isFinite(s.mainThreadMs) ? s.mainThreadMs.toFixed(0) : 'n/a',
        ]),
      )
    }
    lines.push('')
  }
  lines.push('### Eviction of 100 entries', '')
  lines.push(row(['store', 'entries', 'time (ms)', 'peak JS heap growth (MiB)']))
  lines.push(row(['---', '---:', '---:', '---:']))
  for (const r of results.scale) {
    lines.push(
      row([
        r.contender === 'kit' ? 'kit' : 'pixstore 3',
        r.entries,
        r.ms.toFixed(0),
        (r.peakHeap / 2 ** 20).toFixed(1),
      ]),
    )
  }
  lines.push('', '### Targets', '')
  lines.push(row(['target', 'measured', 'the floor, measured the same way', 'met']))
  lines.push(row(['---', '---', '---', '---']))
  for (const t of targets(results))
    lines.push(
      row([
        t.name.replace('<img>', '`<img>`'),
        t.measured,
        t.floors?.join('; ') ?? '',
        t.met ? 'yes' : '**no**',
      ]),
    )
  lines.push('')
  return lines.join('\n')
}
