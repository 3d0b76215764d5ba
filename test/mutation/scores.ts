// The floors of docs/mutation.md, checked on StrykerJS's report: at least 85 % in each folder
// (src/core, src/protocol, src/worker, src/window, src/client) and 70 % in every file, killed and timed out over all valid mutants.
// Prints the table docs/mutation.md quotes. Run by `npm run test:mutation` after StrykerJS.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

const FOLDER_FLOOR = 85
const FILE_FLOOR = 70

interface Report {
  files: Record<string, { mutants: Array<{ status: string }> }>
}

const report = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../reports/mutation/mutation.json'), 'utf8'),
) as Report

/** Killed and timed out over killed, timed out, survived and not covered. */
function score(statuses: string[]): { mutants: number; score: number } {
  const detected = statuses.filter((s) => s === 'Killed' || s === 'Timeout').length
  const valid = detected + statuses.filter((s) => s === 'Survived' || s === 'NoCoverage').length
  return { mutants: valid, score: valid === 0 ? 100 : (100 * detected) / valid }
}

const byFolder = new Map<string, string[]>()
const failures: string[] = []
for (const [file, { mutants }] of Object.entries(report.files)) {
  const statuses = mutants.map((m) => m.status)
  const folder = file.split('/').slice(0, 2).join('/')
  byFolder.set(folder, [...(byFolder.get(folder) ?? []), ...statuses])
  const { score: fileScore } = score(statuses)
  if (fileScore < FILE_FLOOR) failures.push(`${file}: ${fileScore.toFixed(1)} % is under ${FILE_FLOOR} %`)
}
if (byFolder.size === 0) failures.push('the report holds no file')
for (const [folder, statuses] of [...byFolder].sort()) {
  const { mutants, score: folderScore } = score(statuses)
  console.log(`${folder.padEnd(10)} ${String(mutants).padStart(5)} mutants  ${folderScore.toFixed(1)} %`)
  if (folderScore < FOLDER_FLOOR)
    failures.push(`${folder}: ${folderScore.toFixed(1)} % is under ${FOLDER_FLOOR} %`)
}
for (const failure of failures) console.error(failure)
process.exitCode = failures.length > 0 ? 1 : 0
