// npm run bench [-- --n 100 --gallery 1000 --rounds 5 --scenarios cold,warm,refill --contenders kit-core,pixstore3 --entries 2500,10000 --sizes 520x390,640x480 --out bench/results]
import { parseArgs } from 'node:util'
import type { ContenderName, ScenarioName } from './report.ts'
import { runBench } from './runBench.ts'

const { values } = parseArgs({
  options: {
    n: { type: 'string' },
    gallery: { type: 'string' },
    rounds: { type: 'string' },
    entries: { type: 'string' },
    out: { type: 'string' },
    scenarios: { type: 'string' },
    contenders: { type: 'string' },
    sizes: { type: 'string' },
  },
})
await runBench({
  n: values.n ? Number(values.n) : undefined,
  gallery: values.gallery ? Number(values.gallery) : undefined,
  rounds: values.rounds ? Number(values.rounds) : undefined,
  scaleEntries: values.entries?.split(',').filter(Boolean).map(Number),
  out: values.out,
  scenarios: values.scenarios?.split(',') as ScenarioName[] | undefined,
  contenders: values.contenders?.split(',') as ContenderName[] | undefined,
  // Image sizes, WIDTHxHEIGHT, cycled over the images: a scaling run with large photos.
  sizes: values.sizes?.split(',').map((size) => size.split('x').map(Number) as [number, number]),
})
