// Screenshots of the running Storybook (`npm start`) for the README:
//   npx tsx dev/screenshots.ts [http://127.0.0.1:6006]
import { chromium, type FrameLocator } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts'

const base = process.argv[2] ?? 'http://127.0.0.1:6006'
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
const page = await browser.newPage({ viewport: { width: 1280, height: 860 } })

async function shoot(storyPath: string, file: string, ready: (frame: FrameLocator) => Promise<void>) {
  await page.goto(`${base}/?path=/story/${storyPath}`)
  const frame = page.frameLocator('#storybook-preview-iframe')
  await ready(frame)
  await page.waitForTimeout(800)
  await page.screenshot({ path: file })
  console.log('wrote', file)
}

await shoot('examples-gallery--with-service-worker', 'docs/gallery.png', async (frame) => {
  await frame.locator('img[src^="/_img/"]').nth(100).waitFor({ timeout: 60_000 })
})
await shoot('examples-cacheinspector--live', 'docs/inspector.png', async (frame) => {
  await frame.getByTestId('entries').filter({ hasText: /^6$/ }).waitFor({ timeout: 30_000 })
})
await browser.close()
