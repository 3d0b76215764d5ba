// CPU time the browser spends, in all of its processes: the page's main thread is only one of
// them (the browser process moves every response, writes IndexedDB and Cache Storage; image
// decoding, the network and the GPU have processes or threads of their own). On 2 cores a load
// whose processes together use about 2 ms of CPU per ms is bound by the machine, not by code.
import { readdirSync, readFileSync } from 'node:fs'

/** Clock ticks per second of /proc's times (USER_HZ, 100 on every Linux ABI Chromium runs on). */
const TICKS_PER_SECOND = 100

interface ProcessTimes {
  parent: number
  /** User and system CPU, in clock ticks. */
  ticks: number
}

function readProcesses(): Map<number, ProcessTimes> {
  const processes = new Map<number, ProcessTimes>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      // The command name, in parentheses, may hold spaces: the fields start after its last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      // Fields 4, 14 and 15 of proc(5): the parent, user time and system time.
      processes.set(Number(entry), {
        parent: Number(fields[1]),
        ticks: Number(fields[11]) + Number(fields[12]),
      })
    } catch {
      // The process ended while the list was read.
    }
  }
  return processes
}

/**
 * CPU milliseconds used so far by the processes this one started and theirs (the browser and
 * every process it runs), or NaN where /proc is not there to read them (not Linux).
 */
export function browserCpuMs(): number {
  let processes: Map<number, ProcessTimes>
  try {
    processes = readProcesses()
  } catch {
    return NaN
  }
  const children = new Map<number, number[]>()
  for (const [pid, { parent }] of processes) children.set(parent, [...(children.get(parent) ?? []), pid])
  let ticks = 0
  const pending = [...(children.get(process.pid) ?? [])]
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    ticks += processes.get(pid)!.ticks
    pending.push(...(children.get(pid) ?? []))
  }
  return (ticks * 1000) / TICKS_PER_SECOND
}
