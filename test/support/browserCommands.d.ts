import type { ImageRecord } from '../../src/core'
import type { Fault } from './faultProxy'

declare module 'vitest/browser' {
  interface BrowserCommands {
    backendUrl(): Promise<string>
    backendSave(base64: string): Promise<ImageRecord>
    backendUpdate(id: string, base64: string): Promise<ImageRecord>
    backendRecord(id: string): Promise<ImageRecord | null>
    backendDelete(id: string): Promise<boolean>
    faultProxyUrl(): Promise<string>
    faultPlan(id: string, faults: Fault[]): Promise<void>
    faultRequests(id: string): Promise<number>
  }
}
