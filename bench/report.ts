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

/** Medians over rounds of each run's numbers. */
export function summarize(results: BenchResults, scenario: ScenarioName, contender: ContenderName): Summary {
  const runs = results.runs.filter((r) => r.scenario === scenario && r.contender === contender)
  const per = (f: (r: BenchRun) => number) => median(runs.map(f))
  return {
    allDecoded: per((r) => r.allDecoded),
    first: per((r) => Math.min(...r.perImage)),
    p50: per((r) => percentile(r.perImage, 50)),
    p95: per((r) => percentile(r.perImage, 95)),
    backendRequests: per((r) => r.backendRequests),
    idbTransactions: per((r) => r.idbTransactions),
    heapMiB: per((r) => r.heap / 2 ** 20),
    cpuMs: per((r) => r.cpu),
    // Runs from before the main thread was measured have none.
    mainThreadMs: per((r) => r.mainThread ?? NaN),
    viaWorker: per((r) => r.viaWorker),
    workerP50: per((r) => percentile(r.workerResponses, 50)),
    workerP95: per((r) => percentile(r.workerResponses, 95)),
  }
}

export interface Target {
  name: string
  measured: string
  /** The same ratio for the floor of that path, where one was measured: the best this machine allows. */
  floor?: string
  met: boolean
}

export function targets(results: BenchResults): Target[] {
  const s = (scenario: ScenarioName, contender: ContenderName) => summarize(results, scenario, contender)
  const ran = (scenario: ScenarioName) => results.runs.some((r) => r.scenario === scenario)
  const warmWorker = s('warm', 'kit-worker')
  const warmPlain = s('warm', 'plain')
  const warmObject = s('warm', 'kit-object-url')
  const warmLegacy = s('warm', 'pixstore3')
  const coldLegacy = s('cold', 'pixstore3')
  const sizes = [...new Set(results.scale.map((r) => r.entries))].sort((a, b) => a - b)
  const peak = (contender: 'kit' | 'pixstore3', entries: number | undefined) =>
    results.scale.find((r) => r.contender === contender && r.entries === entries)?.peakHeap ?? NaN
  const small = sizes[0]
  const large = sizes[sizes.length - 1]
  const kitGrowth = peak('kit', large) / Math.max(peak('kit', small), 1)
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`
  const warmCore = s('warm', 'kit-core')
  const warmFloor = s('warm', 'sw-floor')
  const coldPlain = s('cold', 'plain')
  const x = (a: number, b: number) => `${(a / b).toFixed(2)}x (${a.toFixed(0)} vs ${b.toFixed(0)} ms)`
  /** The floor's ratio, labelled; nothing where the floor did not run. */
  const floor = (label: string, a: number, b: number) =>
    Number.isFinite(a / b) ? `${label}: ${x(a, b)}` : undefined
  const floors = (...measured: Array<string | undefined>) =>
    measured.filter((m) => m !== undefined).join('; ') || undefined
  const warmObjectFloor = s('warm', 'object-url-floor')
  const coldFloors = { 'kit-object-url': s('cold', 'object-url-floor'), 'kit-worker': s('cold', 'sw-floor') }
  const floorLabels = { 'kit-object-url': 'object URL floor', 'kit-worker': 'SW floor' }
  return [
    {
      name: "warm, React worker path: at least 3x faster than pixstore 3's frontend, all decoded",
      measured: x(warmLegacy.allDecoded, warmWorker.allDecoded),
      floor: floor('SW floor', warmLegacy.allDecoded, warmFloor.allDecoded),
      met: warmLegacy.allDecoded >= 3 * warmWorker.allDecoded,
    },
    {
      name: "warm, React object-URL path: at least 2.5x faster than pixstore 3's frontend, all decoded",
      measured: x(warmLegacy.allDecoded, warmObject.allDecoded),
      floor: floor('object URL floor', warmLegacy.allDecoded, warmObjectFloor.allDecoded),
      met: warmLegacy.allDecoded >= 2.5 * warmObject.allDecoded,
    },
    ...(['kit-object-url', 'kit-worker'] as const).map((contender) => {
      const cold = s('cold', contender)
      return {
        name: `cold, ${LABELS[contender]}: at least 1.2x faster than pixstore 3's frontend, all decoded`,
        measured: x(coldLegacy.allDecoded, cold.allDecoded),
        floor: floor(floorLabels[contender], coldLegacy.allDecoded, coldFloors[contender].allDecoded),
        met: coldLegacy.allDecoded >= 1.2 * cold.allDecoded,
      }
    }),
    {
      name: 'warm, React worker path: first image within 2x of plain <img>',
      measured: x(warmWorker.first, warmPlain.first),
      floor: floor('SW floor', warmFloor.first, warmPlain.first),
      met: warmWorker.first <= 2 * warmPlain.first,
    },
    ...(['kit-object-url', 'kit-worker'] as const).map((contender) => {
      const cold = s('cold', contender)
      return {
        name: `cold, ${LABELS[contender]}: first image within 2x of plain <img>`,
        measured: x(cold.first, coldPlain.first),
        floor: floors(
          floor(floorLabels[contender], coldFloors[contender].first, coldPlain.first),
          // A React path mounts its components before it asks: React Query's own hook does too.
          floor('React Query floor', s('cold', 'react-query-floor').first, coldPlain.first),
        ),
        met: cold.first <= 2 * coldPlain.first,
      }
    }),
    {
      name: 'warm, React layer over the bare core (object URL path vs getImage): at most 1.1x',
      measured: x(warmObject.allDecoded, warmCore.allDecoded),
      floor: floors(
        floor('React floor', s('warm', 'react-floor').allDecoded, warmCore.allDecoded),
        floor('React Query floor', s('warm', 'react-query-floor').allDecoded, warmCore.allDecoded),
      ),
      met: warmObject.allDecoded <= 1.1 * warmCore.allDecoded,
    },
    {
      name: 'warm, React worker path over the SW floor: at most 1.2x',
      measured: x(warmWorker.allDecoded, warmFloor.allDecoded),
      met: warmWorker.allDecoded <= 1.2 * warmFloor.allDecoded,
    },
    {
      name: 'warm, worker path: per-image request → response, p95 (p50)',
      measured: `${warmWorker.workerP95.toFixed(1)} ms (${warmWorker.workerP50.toFixed(1)} ms)`,
      met: warmWorker.workerP95 < 5,
    },
    ...(['kit-object-url', 'kit-worker'] as const).map((contender) => {
      const grid = results.runs.filter((r) => r.scenario === 'grid' && r.contender === contender)
      return {
        name: `grid of 100 components / 10 images, ${LABELS[contender]}: exactly 10 backend requests`,
        measured: [...new Set(grid.map((r) => r.backendRequests))].join(', ') + ' per run',
        met: grid.length > 0 && grid.every((r) => r.backendRequests === 10),
      }
    }),
    ...(results.runs.some((r) => r.scenario === 'screen')
      ? (['kit-object-url', 'kit-worker'] as const)
      : []
    ).map((contender) => {
      const kit = s('screen', contender)
      const legacy = s('screen', 'pixstore3')
      return {
        name: `first screen of the gallery, ${LABELS[contender]}: faster than pixstore 3's frontend`,
        measured: `${(legacy.allDecoded / kit.allDecoded).toFixed(2)}x faster (${kit.allDecoded.toFixed(0)} vs ${legacy.allDecoded.toFixed(0)} ms)`,
        met: kit.allDecoded < legacy.allDecoded,
      }
    }),
    ...(ran('returning')
      ? [
          {
            name: "returning visit, new images, worker path: at least 1.2x faster than pixstore 3's frontend",
            measured: x(s('returning', 'pixstore3').allDecoded, s('returning', 'kit-worker').allDecoded),
            floor: floors(
              floor(
                'SW floor',
                s('returning', 'pixstore3').allDecoded,
                s('returning', 'sw-floor').allDecoded,
              ),
              floor(
                'encrypted SW floor',
                s('returning', 'pixstore3').allDecoded,
                s('returning', 'sw-encrypted-floor').allDecoded,
              ),
            ),
            met: s('returning', 'pixstore3').allDecoded >= 1.2 * s('returning', 'kit-worker').allDecoded,
          },
          {
            name: "returning visit, new images, worker path over the encrypted SW floor (the kit's work, no library): at most 1.05x",
            measured: x(
              s('returning', 'kit-worker').allDecoded,
              s('returning', 'sw-encrypted-floor').allDecoded,
            ),
            met:
              s('returning', 'kit-worker').allDecoded <=
              1.05 * s('returning', 'sw-encrypted-floor').allDecoded,
          },
          {
            name: 'returning visit, new images, worker path over the SW floor: at most 1.15x',
            measured: x(s('returning', 'kit-worker').allDecoded, s('returning', 'sw-floor').allDecoded),
            met: s('returning', 'kit-worker').allDecoded <= 1.15 * s('returning', 'sw-floor').allDecoded,
          },
          {
            name: "returning visit, new images: the worker path's main-thread busy time at most 1/3 of the object URL path's",
            measured: x(
              s('returning', 'kit-worker').mainThreadMs,
              s('returning', 'kit-object-url').mainThreadMs,
            ),
            floor: floor(
              'SW floor over plain images',
              s('returning', 'sw-floor').mainThreadMs,
              s('returning', 'plain').mainThreadMs,
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
            measured: x(s('early', 'pixstore3').allDecoded, s('early', 'kit-worker').allDecoded),
            floor: floors(
              floor('SW floor', s('early', 'pixstore3').allDecoded, s('early', 'sw-floor').allDecoded),
              floor(
                'encrypted SW floor',
                s('early', 'pixstore3').allDecoded,
                s('early', 'sw-encrypted-floor').allDecoded,
              ),
            ),
            met: s('early', 'pixstore3').allDecoded >= 3 * s('early', 'kit-worker').allDecoded,
          },
          {
            name: 'reload 500 ms after the first visit, worker path over the encrypted SW floor (whose first visit its worker served): at most 1.05x',
            measured: x(s('early', 'kit-worker').allDecoded, s('early', 'sw-encrypted-floor').allDecoded),
            met: s('early', 'kit-worker').allDecoded <= 1.05 * s('early', 'sw-encrypted-floor').allDecoded,
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
    lines.push(row([t.name.replace('<img>', '`<img>`'), t.measured, t.floor ?? '', t.met ? 'yes' : '**no**']))
  lines.push('')
  return lines.join('\n')
}
