import { execFile } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { chromium, type Browser } from 'playwright-core'
import { preview, type PreviewServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../dev/chromium'

// The static Storybook has no server behind it: every story must work on the in-browser
// fixture backend, served as plain files.
const root = resolve(import.meta.dirname, '../..')
let server: PreviewServer
let browser: Browser
let base: string
let entries: Array<{ id: string; title: string; name: string; type: string }>
let stories: Array<{ id: string; title: string; name: string }>

beforeAll(async () => {
  const outDir = await mkdtemp(join(tmpdir(), 'pixstore-storybook-'))
  await promisify(execFile)(
    process.execPath,
    [
      join(root, 'node_modules/storybook/dist/bin/dispatcher.js'),
      'build',
      '-c',
      '.storybook',
      '-o',
      outDir,
      '--quiet',
    ],
    { cwd: root, env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' } },
  )
  const index = JSON.parse(await readFile(join(outDir, 'index.json'), 'utf8')) as {
    entries: Record<string, { id: string; title: string; name: string; type: string }>
  }
  entries = Object.values(index.entries)
  stories = entries.filter((entry) => entry.type === 'story')
  server = await preview({
    configFile: false,
    root: outDir,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0 },
  })
  const address = server.httpServer.address()
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  })
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('the static Storybook build', () => {
  it('lists every story and ships the worker', async () => {
    expect(stories.length).toBeGreaterThanOrEqual(20)
    const worker = await fetch(`${base}/pixstore-sw.js`)
    expect(worker.status).toBe(200)
  })

  it('opens on the introduction: first in the sidebar, saying which backend answers', async () => {
    expect(entries[0]).toMatchObject({ id: 'introduction--docs', type: 'docs' })
    const page = await browser.newPage()
    await page.goto(`${base}/?path=/docs/introduction--docs`)
    const sidebar = page.locator('#storybook-explorer-tree')
    await expect.poll(() => sidebar.locator('a, button').first().textContent()).toBe('Introduction')
    const docs = page.frameLocator('#storybook-preview-iframe')
    await expect.poll(() => docs.locator('h2').allTextContents()).toContain('Which backend answers')
    await page.close()
  })

  // One preview page for every story, switched as the Storybook UI switches them: the fixture
  // backend (120 painted and encrypted images) and the preview bundle load once, not once per
  // story, and stories meet what a reader's clicking leaves behind (a registered worker,
  // another story's databases).
  it('runs every story and its play function on the fixture backend, without errors', async () => {
    const page = await browser.newPage()
    await page.addInitScript(() => {
      const events: Array<{ type: string; payload: unknown }> = []
      ;(window as unknown as { __events: typeof events }).__events = events
      const attach = () => {
        const channel = (
          window as unknown as {
            __STORYBOOK_ADDONS_CHANNEL__?: { on(e: string, f: (p: unknown) => void): void }
          }
        ).__STORYBOOK_ADDONS_CHANNEL__
        if (!channel) return void setTimeout(attach, 5)
        for (const type of [
          'storyFinished',
          'playFunctionThrewException',
          'storyThrewException',
          'storyErrored',
        ]) {
          channel.on(type, (payload) => events.push({ type, payload }))
        }
      }
      attach()
    })
    let errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()))
    const failures: string[] = []
    for (const [index, story] of stories.entries()) {
      errors = []
      if (index === 0) await page.goto(`${base}/iframe.html?id=${story.id}&viewMode=story`)
      else
        await page.evaluate((storyId) => {
          ;(window as unknown as { __events: unknown[] }).__events.length = 0
          const channel = (
            window as unknown as { __STORYBOOK_ADDONS_CHANNEL__: { emit(e: string, p: unknown): void } }
          ).__STORYBOOK_ADDONS_CHANNEL__
          channel.emit('setCurrentStory', { storyId, viewMode: 'story' })
        }, story.id)
      const outcome = await page
        .waitForFunction(
          (storyId) => {
            const events = (
              window as unknown as {
                __events: Array<{ type: string; payload: { status?: string; storyId?: string } }>
              }
            ).__events
            return (
              events.find((e) => e.type !== 'storyFinished') ??
              events.find((e) => e.type === 'storyFinished' && e.payload.storyId === storyId)
            )
          },
          story.id,
          { timeout: 90_000 },
        )
        .then((handle) => handle.jsonValue() as Promise<{ type: string; payload: { status?: string } }>)
      const badge = await page.textContent('[data-testid="backend"]').catch(() => null)
      // Resource loads the worker answered 504 on purpose are not script errors.
      const scriptErrors = errors.filter((text) => !text.startsWith('Failed to load resource'))
      if (
        outcome.type !== 'storyFinished' ||
        outcome.payload.status !== 'success' ||
        scriptErrors.length > 0
      ) {
        failures.push(
          `${story.title} / ${story.name}: ${JSON.stringify(outcome)} ${scriptErrors.join(' | ')}`,
        )
      }
      if (badge !== null) expect(badge, story.id).toMatch(/in-browser fixture/)
    }
    expect(failures).toEqual([])
    await page.close()
  }, 600_000)
})
