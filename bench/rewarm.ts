/**
 * Bench P7, re-warm after a publish: with the response cache on, one site per clinic (each with its own
 * key, 20 at 1x) holds the therapy page in the cache; the technique is published through the admin API
 * with a new name, and from the moment the publish call returns every site asks back-to-back (one
 * request in flight) until it is answered from the cache (X-Cache: HIT) with the new name. Per round:
 * the slowest site (every clinic's next request is a fresh hit again), the median site, and the misses
 * the sites got (about one per clinic). An answer that is not 200, carries errors, or carries the old
 * name after the publish returned fails the measurement: that is stale content. Called by bench/run.ts.
 */
import { Editor } from './instances';
import { OUR_PAGE } from './queries';

export interface RewarmRound {
  /** ms from the publish call's return to the slowest site's first fresh hit. */
  maxMs: number;
  p50Ms: number;
  /** Answers that were not hits (X-Cache: MISS), over all sites. */
  misses: number;
  requests: number;
  /** The admin's publish call itself. */
  publishMs: number;
}

export interface RewarmReport {
  sites: number;
  rounds: number;
  /** Publishes before the measured rounds, not counted. */
  warmUpRounds: number;
  /** The per-round max: its median over the rounds, and the largest. */
  maxMs: { median: number; max: number };
  /** The per-round p50 over sites: its median over the rounds. */
  p50Ms: { median: number };
  misses: { median: number; max: number };
  publishMs: { median: number };
  perRound: RewarmRound[];
}

interface Site {
  slug: string;
  key: string;
}

interface Answer {
  hit: boolean;
  name: string;
}

/** No loop waits longer than this for the sites (warming or re-warming). */
const ROUND_LIMIT_MS = 30000;

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return Number((sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number).toFixed(1));
};

async function ask(url: string, site: Site, body: string): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${site.key}` }, body });
  const text = await response.text();
  if (response.status !== 200 || text.includes('"errors"')) throw new Error(`${site.slug}: ${response.status} ${text.slice(0, 300)}`);
  const name = (JSON.parse(text) as { data?: { therapyPage?: { technique?: { name?: string } } } }).data?.therapyPage?.technique?.name;
  if (name === undefined) throw new Error(`${site.slug}: no technique name in ${text.slice(0, 300)}`);
  return { hit: response.headers.get('x-cache') === 'HIT', name };
}

/**
 * Each site asks until `isDone` says its answer is the one awaited (`awaited` names it for a timeout);
 * resolves to the ms each took from `from`. The first failure stops every site (at its next answer)
 * and rejects.
 */
async function everySite(sites: Site[], request: (site: Site) => Promise<Answer>, isDone: (answer: Answer) => boolean, from: number, awaited: string): Promise<number[]> {
  const state: { failure: Error | null } = { failure: null };
  const deadline = from + ROUND_LIMIT_MS;
  const took = await Promise.all(
    sites.map(async (site) => {
      try {
        while (state.failure === null) {
          if (performance.now() > deadline) throw new Error(`${site.slug}: no ${awaited} within ${ROUND_LIMIT_MS / 1000} s`);
          if (isDone(await request(site))) return performance.now() - from;
        }
      } catch (error) {
        state.failure ??= error instanceof Error ? error : new Error(String(error));
      }
      return 0;
    }),
  );
  if (state.failure !== null) throw state.failure;
  return took;
}

export async function measureRewarm(input: {
  base: string;
  /** The page's technique (the dataset's technique with the most conditions). */
  slug: string;
  clinicKeys: Site[];
  rounds?: number;
  warmUpRounds?: number;
  log?: (message: string) => void;
}): Promise<RewarmReport> {
  const { base, slug, clinicKeys: sites } = input;
  const rounds = input.rounds ?? 10;
  const warmUpRounds = input.warmUpRounds ?? 1;
  const url = `${base}/graphql`;
  const body = JSON.stringify({ query: OUR_PAGE, variables: { slug, locale: 'en' } });
  const editor = await Editor.signIn(base, 'bench-editor@example.com', 'Bench-passw0rd');
  const { documentId } = await editor.find(base, 'api::technique.technique', slug);
  const original = (await ask(url, sites[0] as Site, body)).name;
  let current = original;
  const measured: RewarmRound[] = [];
  try {
    for (let round = 0; round < warmUpRounds + rounds; round += 1) {
      // Every clinic's page in the cache, with the name it has now.
      await everySite(sites, (site) => ask(url, site, body), (answer) => answer.hit && answer.name === current, performance.now(), `hit with "${current}" while warming`);
      const previous = current;
      current = `${original} (round ${round})`;
      const started = performance.now();
      await editor.publish(base, 'api::technique.technique', documentId, { name: current });
      const returned = performance.now();
      let misses = 0;
      let requests = 0;
      const stale: string[] = [];
      const took = await everySite(
        sites,
        async (site) => {
          const answer = await ask(url, site, body);
          requests += 1;
          if (!answer.hit) misses += 1;
          if (answer.name === previous) stale.push(`${site.slug} (${answer.hit ? 'HIT' : 'MISS'})`);
          else if (answer.name !== current) throw new Error(`${site.slug}: the name "${answer.name}", neither "${previous}" nor "${current}"`);
          return answer;
        },
        (answer) => answer.hit && answer.name === current,
        returned,
        `fresh hit after the publish (round ${round})`,
      );
      // Stale content after the publish returned is a failure of the service, never a figure.
      if (stale.length > 0) throw new Error(`stale content: ${stale.length} answers with the old name after the publish returned (round ${round}): ${stale.slice(0, 10).join(', ')}`);
      const result = { maxMs: quantile(took, 1), p50Ms: quantile(took, 0.5), misses, requests, publishMs: Number((returned - started).toFixed(1)) };
      input.log?.(`P7 round ${round}${round < warmUpRounds ? ' (warm-up)' : ''}: max ${result.maxMs} ms, p50 ${result.p50Ms} ms, ${misses} misses in ${requests} requests`);
      if (round >= warmUpRounds) measured.push(result);
    }
  } finally {
    // The dataset keeps its own name for what runs on it later; a failure here must not hide the round's.
    if (current !== original) {
      await editor.publish(base, 'api::technique.technique', documentId, { name: original }).catch((error: unknown) => input.log?.(`P7: the name was not restored: ${String(error)}`));
    }
  }
  const of = (pick: (round: RewarmRound) => number) => measured.map(pick);
  return {
    sites: sites.length,
    rounds,
    warmUpRounds,
    maxMs: { median: quantile(of((r) => r.maxMs), 0.5), max: quantile(of((r) => r.maxMs), 1) },
    p50Ms: { median: quantile(of((r) => r.p50Ms), 0.5) },
    misses: { median: quantile(of((r) => r.misses), 0.5), max: quantile(of((r) => r.misses), 1) },
    publishMs: { median: quantile(of((r) => r.publishMs), 0.5) },
    perRound: measured,
  };
}
