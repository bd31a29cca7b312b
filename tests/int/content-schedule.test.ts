/**
 * Scheduled publishing on a real app with the seed (SQLite, and PostgreSQL in CI's second pass), the
 * worker looking every 200 ms, a local receiver standing in for a clinic site's webhook and a Varnish
 * server's PURGE endpoint:
 * - a scheduled publish happens once, on time, and reaches sites as a manual publish does: the
 *   response cache, the webhook, the CDN purge, the change feed, history and the audit trail;
 * - a scheduled unpublish takes the page down; a cancelled job never runs;
 * - a publish whose checks fail (no medical review) is recorded as failed and applies nothing;
 * - the routes refuse bad requests with BAD_USER_INPUT, SCHEDULE_CLOSED, NOT_FOUND, UNAUTHENTICATED;
 * - jobs that fell due while no instance ran run when one starts again;
 * - a lapsed medical review is flagged (the default), cleared once renewed, or unpublished under
 *   REVIEW_LAPSE_POLICY=unpublish.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'http';
import type { AddressInfo } from 'net';
import { createClinicKey } from '../../src/clinics/keys';
import { UIDS } from '../../src/content/model';
import { SCHEDULE_TABLE } from '../../src/governance/schedule';
import { runSeed } from '../../src/seed';
import { paragraphsToBlocks } from '../../src/seed/blocks';
import { adminLogin, adminRequests, type AdminAnswer } from '../helpers/admin-api';
import { eventually } from '../helpers/eventually';
import { graphql } from '../helpers/graphql';
import { startApp, type TestApp } from '../helpers/strapi';

jest.setTimeout(240000);

const ADMIN = { email: 'schedule-editor@clinic-content.test', password: 'Schedule-Pass-123' };
const POLL_MS = 200;
const MRT = 'myofascial-release-therapy';
const TECHNIQUE = UIDS.technique;
const HOOK_SECRET = 'schedule-signing-secret-0123456789';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

interface Job {
  id: number;
  uid: string;
  documentId: string;
  locale: string;
  action: 'publish' | 'unpublish';
  at: string;
  status: string;
  reason: string;
  createdBy: string;
  closedAt: string | null;
  closedBy: string | null;
  outcome: string | null;
}

let app: TestApp;
let receiver: Server;
let port = 0;
const received: Received[] = [];
let token = '';
let adminId = 0;
let key = '';

type Documents = {
  findFirst(params: object): Promise<{ documentId: string } | null>;
  create(params: object): Promise<{ documentId: string }>;
  update(params: object): Promise<unknown>;
  publish(params: object): Promise<unknown>;
};
const documents = (uid: string) => app.strapi.documents(uid as never) as unknown as Documents;

function environment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SCHEDULE_POLL_MS: String(POLL_MS),
    VARNISH_PURGE_URLS: `http://127.0.0.1:${port}/varnish`,
    CDN_PURGE_POLL_MS: '100',
    REVALIDATION_POLL_MS: '100',
    ...extra,
  };
}

const request = adminRequests(() => ({ app, token }));

async function schedule(body: Record<string, unknown>): Promise<AdminAnswer> {
  return request('/editor/schedules', { method: 'POST', body });
}

async function scheduled(body: Record<string, unknown>): Promise<Job> {
  const answer = await schedule(body);
  expect(answer.status).toBe(200);
  return answer.body.data.schedule as Job;
}

async function job(id: number, documentId: string, uid = TECHNIQUE): Promise<Job> {
  const answer = await request(`/editor/schedules?${new URLSearchParams({ uid, documentId })}`);
  expect(answer.status).toBe(200);
  return (answer.body.data.schedules as Job[]).find((item) => item.id === id) as Job;
}

const closed = (id: number, documentId: string, uid = TECHNIQUE) =>
  eventually(async () => {
    const found = await job(id, documentId, uid);
    return found.status === 'pending' ? undefined : found;
  }, { timeoutMs: 10000, message: `job ${id} did not run` });

async function summaryServed(slug = MRT): Promise<{ summary: string | null; cache: string | null; code: string | null }> {
  const answer = await graphql(app, { key, query: `query { technique(slug: "${slug}", locale: "en") { summary } }` });
  return { summary: answer.body.data?.technique?.summary ?? null, cache: answer.headers.get('x-cache'), code: answer.body.errors?.[0]?.extensions?.code ?? null };
}

async function auditOf(action: string): Promise<Array<{ actor: string; action: string; target: { documentId: string | null; locale: string | null }; details: Record<string, any> }>> {
  const answer = await request(`/editor/audit?action=${action}&limit=50`);
  expect(answer.status).toBe(200);
  return answer.body.data.entries;
}

/** A new technique's English draft, with everything a publish needs, and a review due then (none: null). */
function draftTechnique(slug: string, nextReviewDue: string | null): Promise<{ documentId: string }> {
  const review = nextReviewDue === null ? {} : { medicalReview: { reviewedBy: 'Dr. Schedule', lastReviewed: '2025-01-01', nextReviewDue } };
  return documents(TECHNIQUE).create({ locale: 'en', data: { name: `Technique ${slug}`, slug, summary: 'A summary.', intro: paragraphsToBlocks(['An intro.']), goal: 'A goal.', ...review } });
}

const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

async function signIn(): Promise<void> {
  ({ token, userId: adminId } = await adminLogin(app, ADMIN));
}

beforeAll(async () => {
  receiver = createServer((incoming, response) => {
    let body = '';
    incoming.on('data', (chunk) => (body += chunk));
    incoming.on('end', () => {
      received.push({ method: incoming.method ?? '', path: incoming.url ?? '', headers: incoming.headers, body, at: Date.now() });
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as AddressInfo).port;
  app = await startApp({ isListening: true, environment: environment() });
  await runSeed({ strapi: app.strapi });
  await signIn();
  const clinics = documents(UIDS.clinic);
  const northside = (await clinics.findFirst({ filters: { slug: 'northside-physio' }, locale: 'en' })) as { documentId: string };
  await clinics.update({ documentId: northside.documentId, locale: 'en', data: { revalidationUrl: `http://127.0.0.1:${port}/hook`, revalidationSecret: HOOK_SECRET } });
  await clinics.publish({ documentId: northside.documentId, locale: 'en' });
  key = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
});

afterAll(async () => {
  await app?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('a scheduled publish', () => {
  it('happens once, on time, through the cache purge, the webhook, the CDN purge, the change feed, history and the audit trail', async () => {
    const mrt = (await documents(TECHNIQUE).findFirst({ filters: { slug: MRT }, locale: 'en' })) as { documentId: string };
    const before = await summaryServed();
    const feedStart = (await graphql(app, { key, query: 'query { manifest { feedCursor } }' })).body.data.manifest.feedCursor as string;
    // The corrected article is saved as a draft, to go live at its time.
    const corrected = `Corrected summary, live at its time ${Date.now()}.`;
    await documents(TECHNIQUE).update({ documentId: mrt.documentId, locale: 'en', data: { summary: corrected } });
    const dueAt = Date.now() + 1500;
    const created = await scheduled({ uid: TECHNIQUE, documentId: mrt.documentId, locale: 'en', action: 'publish', at: new Date(dueAt).toISOString() });
    expect(created).toMatchObject({ status: 'pending', action: 'publish', locale: 'en', createdBy: `admin:${adminId}`, reason: 'requested' });

    // Until its time, sites get the published version, from the cache after the first ask.
    expect((await summaryServed()).summary).toBe(before.summary);
    expect(await summaryServed()).toMatchObject({ summary: before.summary, cache: 'HIT' });
    received.length = 0;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, dueAt - Date.now() - 300)));
    expect((await summaryServed()).summary).toBe(before.summary);

    const servedAt = await eventually(async () => ((await summaryServed()).summary === corrected ? Date.now() : undefined), { timeoutMs: 10000, everyMs: 20 });
    expect(servedAt).toBeGreaterThanOrEqual(dueAt);
    const done = await closed(created.id, mrt.documentId);
    expect(done).toMatchObject({ status: 'done', closedBy: 'service:schedule', outcome: 'published in "en"' });
    const ranAt = Date.parse(done.closedAt as string);
    expect(ranAt).toBeGreaterThanOrEqual(dueAt);
    // Within the worker's period of its time (and some room for a loaded machine).
    expect(ranAt - dueAt).toBeLessThan(POLL_MS + 1000);

    // The webhook and the CDN purge, as for any publish.
    const hook = await eventually(() => received.find((item) => item.path === '/hook' && item.method === 'POST'), { timeoutMs: 10000 });
    expect(JSON.parse(hook.body)).toMatchObject({ event: 'publish', clinic: { slug: 'northside-physio' }, entries: expect.arrayContaining([expect.objectContaining({ slug: MRT })]) });
    const purge = await eventually(() => received.find((item) => item.path.startsWith('/varnish') && item.method === 'PURGE'), { timeoutMs: 10000 });
    expect(String(purge.headers.xkey ?? '').split(' ').length).toBeGreaterThan(0);

    // The change feed tells the page.
    const changes = await graphql(app, { key, query: `query { changes(after: "${feedStart}", first: 100) { events { kind ... on PageChanged { type slug locales } } } }` });
    expect(changes.body.data.changes.events).toContainEqual({ kind: 'PAGE_CHANGED', type: 'TECHNIQUE', slug: MRT, locales: expect.arrayContaining(['en']) });

    // History and audit: the schedule published it, on the editor's request.
    const versions = await request(`/editor/history?${new URLSearchParams({ uid: TECHNIQUE, documentId: mrt.documentId, locale: 'en' })}`);
    expect(versions.body.data.versions[0]).toMatchObject({ action: 'publish', actor: 'service:schedule', status: 'published' });
    const published = (await auditOf('content.published')).filter((row) => row.target.documentId === mrt.documentId);
    expect(published[0]).toMatchObject({ actor: 'service:schedule' });
    const ran = (await auditOf('schedule.ran')).filter((row) => row.details.scheduleId === created.id);
    expect(ran).toHaveLength(1);
    expect(ran[0]?.details).toMatchObject({ action: 'publish', scheduledBy: `admin:${adminId}`, outcome: 'published in "en"' });
    expect((await auditOf('schedule.created')).filter((row) => row.details.scheduleId === created.id)).toHaveLength(1);

    // Once: a few more periods change nothing.
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 3));
    expect((await auditOf('schedule.ran')).filter((row) => row.details.scheduleId === created.id)).toHaveLength(1);
  });

  it('that fails its checks is recorded as failed, shown in the list, and applies nothing', async () => {
    const created = await draftTechnique('scheduled-without-review', null);
    const pending = await scheduled({ uid: TECHNIQUE, documentId: created.documentId, locale: 'en', action: 'publish', at: inSeconds(0.5) });
    const failed = await closed(pending.id, created.documentId);
    expect(failed.status).toBe('failed');
    expect(failed.outcome).toContain('medicalReview is missing in "en"');
    expect(failed.outcome).not.toContain('intro');
    expect((await summaryServed('scheduled-without-review')).summary).toBeNull();
    const published = await app.strapi.db.query(TECHNIQUE).findMany({ where: { documentId: created.documentId, publishedAt: { $notNull: true } } });
    expect(published).toHaveLength(0);
    const listed = await request(`/editor/schedules?uid=${TECHNIQUE}`);
    expect(listed.status).toBe(200);
    expect(listed.body.data.schedules).toContainEqual(expect.objectContaining({ id: pending.id, status: 'failed' }));
    const rows = (await auditOf('schedule.failed')).filter((row) => row.details.scheduleId === pending.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.details.outcome).toContain('medicalReview');
  });
});

describe('a scheduled unpublish and a cancelled job', () => {
  it('takes the page down at its time; a cancelled publish never runs and cannot be cancelled twice', async () => {
    const created = await draftTechnique('seasonal-stretching', '2027-11-01');
    await documents(TECHNIQUE).publish({ documentId: created.documentId, locale: 'en' });
    const down = await scheduled({ uid: TECHNIQUE, documentId: created.documentId, locale: 'en', action: 'unpublish', at: inSeconds(1) });
    const republish = await scheduled({ uid: TECHNIQUE, documentId: created.documentId, locale: 'en', action: 'publish', at: inSeconds(1.5) });
    const cancelled = await request(`/editor/schedules/${republish.id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data.schedule).toMatchObject({ status: 'cancelled', closedBy: `admin:${adminId}` });
    expect(await closed(down.id, created.documentId)).toMatchObject({ status: 'done', outcome: 'unpublished in "en"' });
    const published = await app.strapi.db.query(TECHNIQUE).findMany({ where: { documentId: created.documentId, publishedAt: { $notNull: true } } });
    expect(published).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 1000 + POLL_MS * 2));
    expect(await job(republish.id, created.documentId)).toMatchObject({ status: 'cancelled' });
    expect(await app.strapi.db.query(TECHNIQUE).count({ where: { documentId: created.documentId, publishedAt: { $notNull: true } } })).toBe(0);
    const again = await request(`/editor/schedules/${republish.id}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('SCHEDULE_CLOSED');
    expect((await auditOf('schedule.cancelled')).filter((row) => row.details.scheduleId === republish.id)).toHaveLength(1);
  });
});

describe('the schedule routes', () => {
  it('refuse what cannot be scheduled, each with a code and a reason', async () => {
    const mrt = (await documents(TECHNIQUE).findFirst({ filters: { slug: MRT }, locale: 'en' })) as { documentId: string };
    const base = { uid: TECHNIQUE, documentId: mrt.documentId, locale: 'en', action: 'publish', at: inSeconds(3600) };
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ ...base, at: new Date(Date.now() - 60000).toISOString() }, 'is in the past'],
      [{ ...base, at: '2027-01-04 08:00' }, 'with its offset'],
      [{ ...base, at: '2027-02-30T08:00:00Z' }, 'no such date'],
      [{ ...base, at: '2040-01-01T08:00:00Z' }, 'five years'],
      [{ ...base, locale: 'xx' }, 'locale is one of'],
      [{ ...base, action: 'archive' }, 'action is one of publish, unpublish'],
      [{ ...base, uid: 'admin::user' }, 'uid must name'],
      [{ ...base, documentId: '' }, 'documentId names the entry'],
      [{ ...base, documentId: 'no-such-document' }, 'has no "en" version'],
      [{ ...base, when: 'monday' }, 'Unknown field "when"'],
    ];
    for (const [body, message] of refusals) {
      const answer = await schedule(body);
      expect({ body, status: answer.status, code: answer.body.error?.code }).toEqual({ body, status: 400, code: 'BAD_USER_INPUT' });
      expect(answer.body.error.message).toContain(message);
    }
    const first = await scheduled(base);
    const twice = await schedule(base);
    expect(twice.status).toBe(400);
    expect(twice.body.error.message).toContain(`scheduled for that time already (job ${first.id})`);
    expect((await request(`/editor/schedules/${first.id}/cancel`, { method: 'POST' })).status).toBe(200);
    expect((await request('/editor/schedules/987654/cancel', { method: 'POST' })).body.error.code).toBe('NOT_FOUND');
    expect((await request(`/editor/schedules?uid=${TECHNIQUE}&status=later`)).body.error.code).toBe('BAD_USER_INPUT');
    const anonymous = await request(`/editor/schedules?uid=${TECHNIQUE}`, { bearer: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
    // Setting a schedule is not an edit: the draft is not marked modified.
    const draft = await app.strapi.db.query(TECHNIQUE).findOne({ where: { documentId: mrt.documentId, locale: 'en', publishedAt: null }, select: ['updatedAt'] });
    await scheduled({ ...base, at: inSeconds(7200) });
    const after = await app.strapi.db.query(TECHNIQUE).findOne({ where: { documentId: mrt.documentId, locale: 'en', publishedAt: null }, select: ['updatedAt'] });
    expect(after?.updatedAt).toEqual(draft?.updatedAt);
  });
});

describe('lapsed medical reviews and a restart', () => {
  it('flags a lapse (once), clears the flag once the review is renewed; jobs due while stopped run on start; unpublish policy takes lapsed content down', async () => {
    // Its review fell due yesterday.
    const lapsing = await draftTechnique('lapsing-review', new Date(Date.now() - 86400000).toISOString().slice(0, 10));
    await documents(TECHNIQUE).publish({ documentId: lapsing.documentId, locale: 'en' });
    // A French version without a review of its own is served the English one: it lapses with it.
    await documents(TECHNIQUE).update({ documentId: lapsing.documentId, locale: 'fr', data: { name: 'Révision échue', slug: 'lapsing-review', summary: 'Sa révision est échue.', intro: paragraphsToBlocks(['Une intro.']), goal: 'Un but.' } });
    await documents(TECHNIQUE).publish({ documentId: lapsing.documentId, locale: 'fr' });
    const flags = await eventually(async () => {
      const answer = await request(`/editor/schedules?${new URLSearchParams({ uid: TECHNIQUE, status: 'flagged' })}`);
      const found = (answer.body.data.schedules as Job[]).filter((item) => item.documentId === lapsing.documentId);
      return found.length === 2 ? found : undefined;
    }, { timeoutMs: 10000 });
    const flag = flags.find((item) => item.locale === 'en') as Job;
    expect(flag).toMatchObject({ status: 'flagged', reason: 'review-lapsed', action: 'unpublish' });
    expect(flag.outcome).toContain('was due');
    expect(flags.find((item) => item.locale === 'fr')?.outcome).toContain('(of "en", served here)');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 3));
    expect((await auditOf('review.lapsed')).filter((row) => row.target.documentId === lapsing.documentId)).toHaveLength(2);
    // Still published: flagging is the default.
    expect(await app.strapi.db.query(TECHNIQUE).count({ where: { documentId: lapsing.documentId, publishedAt: { $notNull: true } } })).toBe(2);

    await documents(TECHNIQUE).update({ documentId: lapsing.documentId, locale: 'en', data: { medicalReview: { reviewedBy: 'Dr. Schedule', lastReviewed: '2026-11-30', nextReviewDue: '2027-11-30' } } });
    await documents(TECHNIQUE).publish({ documentId: lapsing.documentId, locale: 'en' });
    for (const item of flags) expect(await eventually(async () => ((await job(item.id, lapsing.documentId)).status === 'cleared' ? true : undefined), { timeoutMs: 10000 })).toBe(true);

    // A publish due while no instance runs, and a second lapse: the next start catches up.
    const mrt = (await documents(TECHNIQUE).findFirst({ filters: { slug: MRT }, locale: 'en' })) as { documentId: string };
    const caughtUp = `Published while every instance was down ${Date.now()}.`;
    await documents(TECHNIQUE).update({ documentId: mrt.documentId, locale: 'en', data: { summary: caughtUp } });
    const missed = await scheduled({ uid: TECHNIQUE, documentId: mrt.documentId, locale: 'en', action: 'publish', at: inSeconds(2) });
    await documents(TECHNIQUE).update({ documentId: lapsing.documentId, locale: 'en', data: { medicalReview: { reviewedBy: 'Dr. Schedule', lastReviewed: '2025-01-01', nextReviewDue: '2026-01-01' } } });
    await documents(TECHNIQUE).publish({ documentId: lapsing.documentId, locale: 'en' });
    const database = app.database;
    await app.stop({ isKeepingDatabase: true });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    app = await startApp({ isListening: true, database, environment: environment({ REVIEW_LAPSE_POLICY: 'unpublish' }) });
    await signIn();
    expect(await closed(missed.id, mrt.documentId)).toMatchObject({ status: 'done', outcome: 'published in "en"' });
    expect((await summaryServed()).summary).toBe(caughtUp);
    const lapses = await eventually(async () => {
      const answer = await request(`/editor/schedules?${new URLSearchParams({ uid: TECHNIQUE, documentId: lapsing.documentId })}`);
      const done = (answer.body.data.schedules as Job[]).filter((item) => item.reason === 'review-lapsed' && item.status === 'done');
      return done.length === 2 ? done : undefined;
    }, { timeoutMs: 10000 });
    expect(lapses.map((item) => item.outcome).sort()).toEqual(['unpublished in "en"', 'unpublished in "fr"']);
    expect(await app.strapi.db.query(TECHNIQUE).count({ where: { documentId: lapsing.documentId, publishedAt: { $notNull: true } } })).toBe(0);
    // The lapse the first instance may have flagged before it stopped is cleared: the locale is down.
    const statuses = () => app.strapi.db.getConnection(SCHEDULE_TABLE).where({ document_id: lapsing.documentId, reason: 'review-lapsed' }).select('status');
    await eventually(async () => ((await statuses()).some((row: { status: string }) => row.status === 'flagged') ? undefined : true), { timeoutMs: 5000 });
    expect((await statuses()).filter((row: { status: string }) => row.status === 'done')).toHaveLength(2);
  });
});
