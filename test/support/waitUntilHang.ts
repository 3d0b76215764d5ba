// testing-library's `waitFor` and `findBy*` give up after one second by default: on a busy
// machine a render or a load can take longer than that without anything being wrong. A wait
// ends as soon as its condition holds, so only a hang waits this long.
import { configure } from '@testing-library/react'
import { HANG } from './hang'

configure({ asyncUtilTimeout: HANG })
