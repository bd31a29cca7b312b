/**
 * Load with autocannon for `npm run bench`: a target checked once, then loaded after a warm-up, the
 * targets of a comparison in turn, run by run, so that a drift in the machine's speed meets every side.
 */
import autocannon from 'autocannon';

export interface Target {
  url: string;
  headers: Record<string, string>;
  /** A POST body; without one the target is a GET of `url`. */
  body?: string;
}

export interface Load {
  p50: number;
  p99: number;
  rps: number;
}

export interface LoadSettings {
  connections: number;
  /** Seconds per run. */
  duration: number;
  runs: number;
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** One request; its answer must be a 200 without GraphQL errors. */
export async function fetchOnce(target: Target): Promise<string> {
  const response = await fetch(target.url, { method: target.body === undefined ? 'GET' : 'POST', headers: target.headers, body: target.body });
  const text = await response.text();
  if (response.status !== 200 || text.includes('"errors"')) throw new Error(`${target.url}: ${response.status} ${text.slice(0, 300)}`);
  return text;
}

/**
 * Loads the targets in turn, run by run (A, B, A, B, …) after a warm-up of each: on a shared machine
 * whose speed drifts during a benchmark, both sides of a comparison meet the same conditions.
 */
export async function loadInterleaved(targets: Target[], settings: LoadSettings): Promise<Load[]> {
  const options = (target: Target) => ({
    url: target.url,
    method: target.body === undefined ? ('GET' as const) : ('POST' as const),
    headers: target.headers,
    body: target.body,
    connections: settings.connections,
  });
  for (const target of targets) {
    await fetchOnce(target);
    await autocannon({ ...options(target), duration: 3 }); // warm-up
  }
  const runs: Load[][] = targets.map(() => []);
  for (let index = 0; index < settings.runs; index += 1) {
    for (const [position, target] of targets.entries()) {
      const result = await autocannon({ ...options(target), duration: settings.duration });
      if (result.errors > 0 || result.non2xx > 0) throw new Error(`${target.url}: ${result.errors} errors, ${result.non2xx} non-2xx under load`);
      runs[position]?.push({ p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average });
    }
  }
  return runs.map((sideRuns) => ({ p50: median(sideRuns.map((r) => r.p50)), p99: median(sideRuns.map((r) => r.p99)), rps: median(sideRuns.map((r) => r.rps)) }));
}
