// The Next.js example's own install (`npm run example:next:install`): the kit packed afresh
// from its build (examples/next/.npmrc), and better-sqlite3 (the store of pixstore's backend,
// which the example's API route runs) given the root's native addon when both installs hold
// the same version: compiling it again from source would take a minute on 2 cores, as this
// machine reaches no prebuilt binaries.
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..')
const EXAMPLE = join(ROOT, 'examples/next')
const NATIVE = 'better-sqlite3'
const ADDON = 'build/Release/better_sqlite3.node'

const npm = (...args: string[]) => execFileSync('npm', [...args, '--prefix', EXAMPLE], { stdio: 'inherit' })
const packageDir = (install: string) => join(install, 'node_modules', NATIVE)
const versionIn = (install: string): unknown => {
  const manifest = join(packageDir(install), 'package.json')
  return existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { version: unknown }).version
}

rmSync(join(EXAMPLE, 'node_modules/pixstore-react'), { recursive: true, force: true })
// No install script runs: better-sqlite3's is the only one the example's tree has.
npm('install', '--no-audit', '--no-fund', '--ignore-scripts')
const built = join(packageDir(ROOT), ADDON)
if (existsSync(built) && versionIn(ROOT) === versionIn(EXAMPLE)) {
  mkdirSync(join(packageDir(EXAMPLE), 'build/Release'), { recursive: true })
  copyFileSync(built, join(packageDir(EXAMPLE), ADDON))
} else {
  npm('rebuild', NATIVE)
}
