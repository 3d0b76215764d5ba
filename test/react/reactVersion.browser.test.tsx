import { version } from 'react'
import { version as domVersion } from 'react-dom'
import { describe, expect, it } from 'vitest'

// The React layer's tests run twice: on React 19 (`browser`) and on React 18
// (`browser-react18`), the two majors of the peer range. This proves which one each ran on.
describe('React under test', () => {
  it('is the major of its project, with a matching react-dom', ({ task }) => {
    const major = task.file.projectName?.startsWith('browser-react18') ? '18' : '19'
    expect(version.split('.')[0]).toBe(major)
    expect(domVersion).toBe(version)
  })
})
