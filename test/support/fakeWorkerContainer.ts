import { SW_MESSAGE } from '../../src/protocol'

/**
 * A service worker container that registers at once but takes control of the page only on
 * `takeOver()` (or from the start with `controlled`); works in Node and in the browser. Its
 * worker answers the kit's `PING` unless `kit` is false (an app's worker without the kit).
 */
export function fakeWorkerContainer({ controlled = false, kit = true } = {}) {
  const target = new EventTarget()
  const base = globalThis.location?.href ?? 'http://localhost/'
  let controller: { scriptURL: string; postMessage(message: unknown): void } | null = null
  /** What the page posted to the worker in control. */
  const posted: unknown[] = []
  const worker = (scriptURL: string) => ({
    scriptURL,
    postMessage: (message: unknown, transfer: MessagePort[] = []) => {
      posted.push(message)
      if (kit && (message as { type?: string }).type === SW_MESSAGE.PING) transfer[0]?.postMessage(message)
    },
  })
  let scriptUrl = new URL('/pixstore-sw.js', base).href
  const registered: string[] = []
  /** The scope of each registration. */
  const scopes: Array<string | undefined> = []
  const container = Object.defineProperties(target, {
    controller: { get: () => controller },
    // The worker's messages to the page flow as soon as it asks (the fake sends none).
    startMessages: { value: () => undefined },
    register: {
      value: (url: string, options?: RegistrationOptions) => {
        scriptUrl = new URL(url, base).href
        registered.push(scriptUrl)
        scopes.push(options?.scope)
        return Promise.resolve({})
      },
    },
  }) as unknown as ServiceWorkerContainer
  /** The worker at `url` (the one registered, unless the app registered its own) takes control. */
  const takeOver = (url = scriptUrl) => {
    controller = worker(new URL(url, base).href)
    target.dispatchEvent(new Event('controllerchange'))
  }
  if (controlled) controller = worker(scriptUrl)
  return { container, takeOver, registered, scopes, posted }
}
