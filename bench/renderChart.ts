// Renders the medians (all decoded and first image, cold and warm; all decoded on a returning
// visit with new images, on a reload right after the first visit and in the grid) as a bar
// chart, and under it the targets with their ratios and their floors', in Chromium and saves a PNG.
// Each group has its own scale.
import type { Browser } from 'playwright-core'
import { LABELS, summarize, targets, type BenchResults, type ContenderName } from './report.ts'

const COLORS: Record<ContenderName, string> = {
  'kit-object-url': '#2563eb',
  'kit-worker': '#059669',
  'kit-core': '#7c3aed',
  'react-floor': '#a78bfa',
  'react-query-floor': '#f472b6',
  pixstore3: '#d97706',
  'object-url-floor': '#93c5fd',
  'sw-floor': '#0891b2',
  'sw-encrypted-floor': '#0e7490',
  plain: '#6b7280',
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** The chart as SVG, with its size. */
export function chartSvg(results: BenchResults): { svg: string; width: number; height: number } {
  const groups = [
    ['cold', 'allDecoded', 'cold, all decoded'],
    ['cold', 'first', 'cold, first image'],
    ['warm', 'allDecoded', 'warm, all decoded'],
    ['warm', 'first', 'warm, first image'],
    ['returning', 'allDecoded', 'returning visit, new images, all decoded'],
    ['early', 'allDecoded', 'reload 500 ms after the first visit, all decoded'],
    ['grid', 'allDecoded', 'grid, all decoded'],
  ] as const
  const contenders = Object.keys(LABELS) as Array<keyof typeof LABELS>
  const width = 1200
  const barHeight = 22
  const groupGap = 36
  // Wide enough for the longest label (the encrypted SW floor's).
  const left = 560
  const chartWidth = width - left - 90
  let y = 70
  const parts: string[] = []
  for (const [scenario, measure, title] of groups) {
    const shown = contenders
      .map((contender) => ({ contender, value: summarize(results, scenario, contender)[measure] }))
      .filter(({ value }) => Number.isFinite(value))
    if (shown.length === 0) continue
    const max = Math.max(...shown.map(({ value }) => value), 1)
    parts.push(`<text x="16" y="${y - 8}" font-weight="600">${title}</text>`)
    shown.forEach(({ contender, value }) => {
      const w = (value / max) * chartWidth
      parts.push(
        `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${escape(LABELS[contender])}</text>`,
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight - 4}" fill="${COLORS[contender]}"/>`,
        `<text x="${left + w + 6}" y="${y + 15}">${value.toFixed(0)} ms</text>`,
      )
      y += barHeight
    })
    y += groupGap
  }
  parts.push(
    `<text x="16" y="${y - 8}" font-weight="600">targets: measured, then each floor measured the same way</text>`,
  )
  y += 8
  for (const target of targets(results)) {
    const lines = [target.measured, ...(target.floors ?? [])]
    parts.push(
      `<text x="16" y="${y}" fill="${target.met ? '#059669' : '#b91c1c'}">${target.met ? 'met' : 'not met'}</text>`,
      `<text x="80" y="${y}">${escape(target.name)}</text>`,
      ...lines.map(
        (line, i) =>
          `<text x="${i === 0 ? 80 : 96}" y="${y + 17 * (i + 1)}" fill="#555">${escape(line)}</text>`,
      ),
    )
    y += 25 + 17 * lines.length
  }
  const height = y
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="13">
    <rect width="100%" height="100%" fill="white"/>
    <text x="16" y="28" font-size="16" font-weight="700">Time until every image, and the first, is decoded (median, lower is better)</text>
    <text x="16" y="48" fill="#555">${results.config.n} images, ${results.config.rounds} rounds · ${results.date.slice(0, 10)} · Chromium ${results.machine.chromium}</text>
    ${parts.join('\n')}
  </svg>`
  return { svg, width, height }
}

export async function renderChart(browser: Browser, results: BenchResults, file: string): Promise<void> {
  const { svg, width, height } = chartSvg(results)
  const page = await browser.newPage({ viewport: { width, height } })
  await page.setContent(`<body style="margin:0">${svg}</body>`)
  await page.screenshot({ path: file })
  await page.close()
}
