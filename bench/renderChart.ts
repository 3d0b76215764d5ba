// Renders the time-to-all-decoded medians as a bar chart in Chromium and saves a PNG.
import type { Browser } from 'playwright-core'
import { LABELS, summarize, type BenchResults } from './report.ts'

const COLORS = {
  'kit-object-url': '#2563eb',
  'kit-worker': '#059669',
  pixstore3: '#d97706',
  plain: '#6b7280',
} as const

export async function renderChart(browser: Browser, results: BenchResults, file: string): Promise<void> {
  const scenarios = ['cold', 'warm', 'grid'] as const
  const contenders = Object.keys(LABELS) as Array<keyof typeof LABELS>
  const values = scenarios.map((scenario) =>
    contenders.map((c) => summarize(results, scenario, c).allDecoded),
  )
  const max = Math.max(...values.flat().filter(Number.isFinite), 1)
  const width = 900
  const barHeight = 22
  const groupGap = 36
  const left = 220
  const chartWidth = width - left - 90
  let y = 70
  const parts: string[] = []
  scenarios.forEach((scenario, s) => {
    parts.push(`<text x="16" y="${y - 8}" font-weight="600">${scenario}</text>`)
    contenders.forEach((contender, c) => {
      const value = values[s]![c]!
      const w = Number.isFinite(value) ? (value / max) * chartWidth : 0
      parts.push(
        `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${LABELS[contender].replace('<', '&lt;').replace('>', '&gt;')}</text>`,
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight - 4}" fill="${COLORS[contender]}"/>`,
        `<text x="${left + w + 6}" y="${y + 15}">${Number.isFinite(value) ? value.toFixed(0) : '–'} ms</text>`,
      )
      y += barHeight
    })
    y += groupGap
  })
  const height = y
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="13">
    <rect width="100%" height="100%" fill="white"/>
    <text x="16" y="28" font-size="16" font-weight="700">Time until every image is decoded (median, lower is better)</text>
    <text x="16" y="48" fill="#555">${results.config.n} images, ${results.config.rounds} rounds · ${results.date.slice(0, 10)} · Chromium ${results.machine.chromium}</text>
    ${parts.join('\n')}
  </svg>`
  const page = await browser.newPage({ viewport: { width, height } })
  await page.setContent(`<body style="margin:0">${svg}</body>`)
  await page.screenshot({ path: file })
  await page.close()
}
