/**
 * A service worker container that registers at once but takes control of the page only on
 * `takeOver()` (or from the start with `controlled`); works in Node and in the browser.
 */
export function fakeWorkerContainer({ controlled = false } = {}) {
  const target = new EventTarget()
  const base = globalThis.location?.href ?? 'http://localhost/'
  let controller: { scriptURL: string } | null = null
  let scriptUrl = new URL('/pixstore-sw.js', base).href
  const registered: string[] = []
  const container = Object.defineProperties(target, {
    controller: { get: () => controller },
    // The worker's messages to the page flow as soon as it asks (the fake sends none).
    startMessages: { value: () => undefined },
    register: {
      value: (url: string) => {
        scriptUrl = new URL(url, base).href
        registered.push(scriptUrl)
        return Promise.resolve({})
      },
    },
  }) as unknown as ServiceWorkerContainer
  const takeOver = () => {
    controller = { scriptURL: scriptUrl }
    target.dispatchEvent(new Event('controllerchange'))
  }
  if (controlled) controller = { scriptURL: scriptUrl }
  return { container, takeOver, registered }
}
