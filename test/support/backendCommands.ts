// Node side of the interop tests: the real pixstore 3 backend, driven from tests in
// Chromium through Vitest browser commands.
import type { BrowserCommand } from 'vitest/node'
import { startPixstoreBackend } from '../../dev/pixstoreBackend.ts'
import { startFaultProxy, type Fault } from './faultProxy.ts'

const fromBase64 = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'))

const backendUrl: BrowserCommand<[]> = async () => (await startPixstoreBackend()).baseUrl
const backendSave: BrowserCommand<[base64: string]> = async (_ctx, base64) =>
  (await startPixstoreBackend()).save(fromBase64(base64))
const backendUpdate: BrowserCommand<[id: string, base64: string]> = async (_ctx, id, base64) =>
  (await startPixstoreBackend()).update(id, fromBase64(base64))
const backendRecord: BrowserCommand<[id: string]> = async (_ctx, id) =>
  (await startPixstoreBackend()).record(id)
const backendDelete: BrowserCommand<[id: string]> = async (_ctx, id) =>
  (await startPixstoreBackend()).remove(id)

const faultProxyUrl: BrowserCommand<[]> = async () => (await startFaultProxy()).url
const faultPlan: BrowserCommand<[id: string, faults: Fault[]]> = async (_ctx, id, faults) =>
  (await startFaultProxy()).plan(id, faults)
const faultRequests: BrowserCommand<[id: string]> = async (_ctx, id) => (await startFaultProxy()).requests(id)

export const backendCommands = {
  backendUrl,
  backendSave,
  backendUpdate,
  backendRecord,
  backendDelete,
  faultProxyUrl,
  faultPlan,
  faultRequests,
}
