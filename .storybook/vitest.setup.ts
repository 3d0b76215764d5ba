import { setProjectAnnotations } from '@storybook/react-vite'
import { configure } from 'storybook/test'
import { afterEach, beforeEach, expect, vi } from 'vitest'
import { HANG } from '../test/support/hang'
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

// As in the browser tests (test/support/waitUntilHang.ts): a play function's `waitFor` and
// `findBy*` wait for a condition, so only a hang waits this long.
configure({ asyncUtilTimeout: HANG })
