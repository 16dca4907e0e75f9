// Resident set size of a process from /proc (Linux only; 0 elsewhere or once it exited). Used to
// report the testbed's memory cost (TESTBED-NOTES measured 120-150 MB for the whole network).
import { readFile } from 'node:fs/promises';

export async function processRssBytes(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    return kb === undefined ? 0 : Number(kb) * 1024;
  } catch {
    return 0;
  }
}
