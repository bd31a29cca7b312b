/**
 * Bench P5, fresh across instances: two service instances on one fresh PostgreSQL database and one
 * Redis, as production runs them behind a load balancer; an editor publishes through one, the other is
 * polled until it answers with the new version. Called by bench/run.ts.
 */
import { randomBytes } from 'crypto';
import { createKeyWithCli, Editor, freshPostgresDatabase, productionSecrets, startInstance, type Instance } from './instances';

/**
 * P5: two instances on one PostgreSQL and one Redis; an editor publishes through A (the admin's publish
 * call), B is polled. p50/p99 run from the moment the publish call returned (the editor sees
 * "Published") to B's first fresh answer; the end-to-end figures include the publish call itself.
 */
export async function measureP5(): Promise<{
  p50: number;
  p99: number;
  max: number;
  samples: number;
  publishP50: number;
  publishP99: number;
  endToEndP50: number;
  endToEndP99: number;
}> {
  const database = await freshPostgresDatabase('p5');
  const environment = {
    DATABASE_URL: database.url,
    REDIS_URL: process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `bench-${randomBytes(6).toString('hex')}`,
    SEED_ON_EMPTY: 'true',
    ...productionSecrets(),
  };
  const instances: Instance[] = [];
  try {
    instances.push(...(await Promise.all([startInstance('a', environment), startInstance('b', environment)])));
    const [a, b] = instances as [Instance, Instance];
    const key = await createKeyWithCli(environment);
    const editor = await Editor.signIn(a.base, 'bench-editor@example.com', 'Bench-passw0rd');
    const technique = (await editor.find(a.base, 'api::technique.technique', 'myofascial-release-therapy')).documentId;
    const read = async () => {
      const response = await fetch(`${b.base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: '{ therapyPage(slug: "myofascial-release-therapy") { technique { name } } }' }),
      });
      return ((await response.json()) as { data: { therapyPage: { technique: { name: string } } } }).data.therapyPage.technique.name;
    };
    const fresh: number[] = [];
    const afterReturn: number[] = [];
    const publishing: number[] = [];
    for (let index = 0; index < 100; index += 1) {
      await read(); // B holds the current answer in the shared cache
      await read();
      const name = `Myofascial Release Therapy ${index}`;
      const started = performance.now();
      await editor.publish(a.base, 'api::technique.technique', technique, { name });
      const returned = performance.now();
      publishing.push(returned - started);
      while ((await read()) !== name) {
        if (performance.now() - started > 5000) throw new Error(`B did not serve "${name}" within 5 s`);
      }
      const now = performance.now();
      afterReturn.push(now - returned);
      fresh.push(now - started);
    }
    const quantile = (values: number[], q: number) => {
      const sorted = [...values].sort((x, y) => x - y);
      return Number((sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number).toFixed(1));
    };
    return {
      p50: quantile(afterReturn, 0.5),
      p99: quantile(afterReturn, 0.99),
      max: quantile(afterReturn, 1),
      samples: fresh.length,
      publishP50: quantile(publishing, 0.5),
      publishP99: quantile(publishing, 0.99),
      endToEndP50: quantile(fresh, 0.5),
      endToEndP99: quantile(fresh, 0.99),
    };
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
    await database.drop();
  }
}
