import type { ImageRecord } from '../../src/core'

declare module 'vitest/browser' {
  interface BrowserCommands {
    backendUrl(): Promise<string>
    backendSave(base64: string): Promise<ImageRecord>
    backendUpdate(id: string, base64: string): Promise<ImageRecord>
    backendRecord(id: string): Promise<ImageRecord | null>
    backendDelete(id: string): Promise<boolean>
  }
}
