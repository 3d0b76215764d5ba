// Each entry's public surface against the report in git: a change to it is a visible diff.
// After a change on purpose: UPDATE_API=1 npx vitest run test/package/api.test.ts
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { apiReports, ENTRIES } from './apiReport'

const reportFile = (entry: string) =>
  resolve(import.meta.dirname, 'api', `${entry.replace('/', '.')}.api.txt`)

describe('the public API', () => {
  const reports = apiReports()
  it.each(Object.keys(ENTRIES) as Array<keyof typeof ENTRIES>)('of %s is the one in the report', (entry) => {
    if (process.env.UPDATE_API) writeFileSync(reportFile(entry), reports[entry])
    expect(reports[entry]).toBe(readFileSync(reportFile(entry), 'utf8'))
  })
})
