/** Resident memory of a service process the bench started, read from /proc/<pid>/status (Linux). */
import { readFileSync } from 'fs';

const statusMb = (pid: number, field: 'VmRSS' | 'VmHWM') =>
  Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);

/** The highest resident memory the process has had since it started (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  return statusMb(pid, 'VmHWM');
}

/**
 * Runs `work` while sampling the process's resident memory (VmRSS) every `everyMs`: its result and the
 * peak seen during it, in MB (memory at saturation, when `work` is a load).
 */
export async function sampleRss<T>(pid: number, work: () => Promise<T>, everyMs = 200): Promise<{ result: T; peakMb: number }> {
  let peakMb = statusMb(pid, 'VmRSS');
  const sample = () => {
    try {
      peakMb = Math.max(peakMb, statusMb(pid, 'VmRSS'));
    } catch {
      // the process has ended; `work` fails on its own
    }
  };
  const timer = setInterval(sample, everyMs);
  try {
    const result = await work();
    sample();
    return { result, peakMb };
  } finally {
    clearInterval(timer);
  }
}
