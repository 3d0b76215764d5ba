/**
 * A service worker container that registers at once but takes control of the page only on
 * `takeOver()` (or from the start with `controlled`); works in Node and in the browser.
 */
export function fakeWorkerContainer({ controlled = false } = {}) {
  const target = new EventTarget()
  const base = globalThis.location?.href ?? 'http://localhost/'
  let controller: { scriptURL: string; postMessage(message: unknown): void } | null = null
  /** What the page posted to the worker in control. */
  const posted: unknown[] = []
  const worker = (scriptURL: string) => ({
    scriptURL,
    postMessage: (message: unknown) => posted.push(message),
  })
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
    controller = worker(scriptUrl)
    target.dispatchEvent(new Event('controllerchange'))
  }
  if (controlled) controller = worker(scriptUrl)
  return { container, takeOver, registered, posted }
}
