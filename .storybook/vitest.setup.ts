import { setProjectAnnotations } from '@storybook/react-vite'
import { afterEach, beforeEach, expect, vi } from 'vitest'
import * as preview from './preview'

setProjectAnnotations([preview])

// A story that logs a console error fails.
let errors: unknown[][] = []
beforeEach(() => {
  errors = []
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args))
})
afterEach(() => {
  vi.restoreAllMocks()
  expect(errors, 'console.error calls').toEqual([])
})
