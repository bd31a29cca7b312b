/**
 * The audit trail on a real app: what an admin does over the admin API (publish, unpublish, delete, a
 * medical review, a role's permissions, a new user), key creation and revocation, an XLIFF import, an
 * adaptation confirmation, what the export
 * command prints, and the chain: intact after concurrent publishes, broken at the row edited in SQL.
 */
import { execFile } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import { actingAs } from '../../src/governance/actor';
import { createClinicKey, revokeClinicKey } from '../../src/clinics/keys';
import { verifyAuditChain } from '../../src/governance/audit';
import { exportXliff, importXliff } from '../../src/l10n/xliff';
import { runSeed } from '../../src/seed';
import { ROOT, startApp, type TestApp } from '../helpers/strapi';
import { adminRequests } from '../helpers/admin-api';

jest.setTimeout(240000);

const ADMIN = { email: 'audit-admin@clinic-content.test', password: 'Audit-Pass-123' };
const TECHNIQUE = 'api::technique.technique';
const CAUSE = 'api::cause.cause';
const SERVED = ['api::technique.technique', 'api::condition.condition', 'api::cause.cause', 'api::benefit.benefit', 'api::provider-type.provider-type'];

let app: TestApp;
let token = '';
let adminId = 0;

interface Entry {
  id: number;
  at: string;
  actor: string;
  actorEmail: string | null;
  action: string;
  target: { uid: string | null; documentId: string | null; locale: string | null };
  details: Record<string, any>;
  hash: string;
}

const request = adminRequests(() => ({ app, token }));

/** The newest entries of an action, through GET /editor/audit. */
async function entries(action: string, limit = 20): Promise<Entry[]> {
  const answer = await request(`/editor/audit?action=${action}&limit=${limit}`);
  expect(answer.status).toBe(200);
  return answer.body.data.entries as Entry[];
}

function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'audit.js'), ...args], { cwd: ROOT, env: { ...process.env }, encoding: 'utf8', timeout: 120000 }).then(
    ({ stdout, stderr }) => ({ status: 0, stdout, stderr }),
    (error: { code?: number; stdout: string; stderr: string }) => ({ status: error.code ?? -1, stdout: error.stdout, stderr: error.stderr }),
  );
}

async function documentsOf(uid: string, locale = 'en'): Promise<Array<{ documentId: string; slug: string }>> {
  const answer = await request(`/content-manager/collection-types/${uid}?locale=${locale}&pageSize=100`);
  expect(answer.status).toBe(200);
  return answer.body.results;
}

beforeAll(async () => {
  app = await startApp({ isListening: true, environment: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
  await runSeed({ strapi: app.strapi });
  const login = await request('/admin/login', { method: 'POST', body: ADMIN, bearer: null });
  expect(login.status).toBe(200);
  token = login.body.data.token as string;
  adminId = login.body.data.user.id as number;
});

afterAll(async () => {
  await app?.stop();
});

describe('the audit trail', () => {
  it("records an admin's publish, unpublish and delete with the admin, the document and the locale", async () => {
    const created = await request(`/content-manager/collection-types/${CAUSE}?locale=en`, {
      method: 'POST',
      body: { name: 'Audited cause', slug: 'audited-cause', summary: 'A cause for the audit trail.' },
    });
    expect(created.status).toBe(201);
    const { documentId } = created.body.data as { documentId: string };
    expect((await request(`/content-manager/collection-types/${CAUSE}/${documentId}/actions/publish?locale=en`, { method: 'POST', body: {} })).status).toBe(200);
    expect((await request(`/content-manager/collection-types/${CAUSE}/${documentId}/actions/unpublish?locale=en`, { method: 'POST', body: {} })).status).toBe(200);
    expect((await request(`/content-manager/collection-types/${CAUSE}/${documentId}?locale=en`, { method: 'DELETE' })).status).toBe(200);

    const mine = async (action: string) => (await entries(action)).filter((entry) => entry.target.documentId === documentId);
    const expected = { actor: `admin:${adminId}`, actorEmail: ADMIN.email, target: { uid: CAUSE, documentId, locale: 'en' } };
    expect(await mine('content.published')).toEqual([expect.objectContaining({ ...expected, action: 'content.published' })]);
    expect(await mine('content.unpublished')).toEqual([expect.objectContaining({ ...expected, action: 'content.unpublished' })]);
    // Deleting a draft-only document takes nothing published away, yet it is recorded.
    expect(await mine('content.deleted')).toEqual([expect.objectContaining({ ...expected, action: 'content.deleted' })]);
  });

  it('records a medical review change on publish with the review before and after, and nothing for a publish that keeps it', async () => {
    const [mrt] = await documentsOf(TECHNIQUE);
    const review = { reviewedBy: 'Dr. Audit', reviewerType: 'person', reviewerCredentials: 'MD', lastReviewed: '2026-11-20', nextReviewDue: '2027-11-20' };
    const before = (await entries('review.changed')).length;
    expect((await request(`/content-manager/collection-types/${TECHNIQUE}/${mrt!.documentId}/actions/publish?locale=en`, { method: 'POST', body: { medicalReview: review } })).status).toBe(200);
    expect((await request(`/content-manager/collection-types/${TECHNIQUE}/${mrt!.documentId}/actions/publish?locale=en`, { method: 'POST', body: {} })).status).toBe(200);

    const changes = await entries('review.changed');
    expect(changes).toHaveLength(before + 1);
    expect(changes[0]).toMatchObject({
      actor: `admin:${adminId}`,
      target: { uid: TECHNIQUE, documentId: mrt!.documentId, locale: 'en' },
      details: {
        before: { reviewedBy: 'Clinical content team', reviewerType: 'organization', lastReviewed: '2026-11-01', nextReviewDue: '2027-11-01' },
        after: review,
      },
    });
  });

  it("records a role's permissions removed and added, and a new admin user with its roles but no personal data", async () => {
    const roles = (await request('/admin/roles')).body.data as Array<{ id: number; code: string }>;
    const editor = roles.find((role) => role.code === 'strapi-editor')!;
    const current = (await request(`/admin/roles/${editor.id}/permissions`)).body.data as Array<{ action: string; subject: string | null; properties: unknown; conditions: unknown }>;
    const dropped = current.find((permission) => permission.subject === CAUSE)!;
    expect(dropped).toBeDefined();
    const kept = current.filter((permission) => permission !== dropped).map(({ action, subject, properties, conditions }) => ({ action, subject, properties, conditions }));
    const marker = (await entries('role.permissions.changed', 1))[0]?.id ?? 0;
    expect((await request(`/admin/roles/${editor.id}/permissions`, { method: 'PUT', body: { permissions: kept } })).status).toBe(200);

    // Strapi saves a role's permissions in several writes (deleted, created, updated): a row for each that changed a grant.
    const changed = (await entries('role.permissions.changed', 500)).filter((entry) => entry.id > marker);
    expect(changed.length).toBeGreaterThan(0);
    for (const entry of changed) expect(entry).toMatchObject({ actor: `admin:${adminId}`, details: { roleId: editor.id, code: 'strapi-editor' } });
    const removed = changed.flatMap((entry) => entry.details.removed as string[]);
    const added = changed.flatMap((entry) => entry.details.added as string[]);
    expect(removed.filter((grant) => grant.startsWith(`${dropped.action} ${CAUSE}`))).toHaveLength(1);
    expect(added.filter((grant) => grant.startsWith(`${dropped.action} ${CAUSE}`))).toEqual([]);

    const email = 'new-editor@clinic-content.test';
    const created = await request('/admin/users', { method: 'POST', body: { firstname: 'New', lastname: 'Editor', email, roles: [editor.id] } });
    expect(created.status).toBe(201);
    const [user] = await entries('user.created', 1);
    expect(user).toMatchObject({ actor: `admin:${adminId}`, details: { userId: created.body.data.id, roles: ['strapi-editor'], isActive: false } });
    expect(JSON.stringify(user!.details)).not.toContain(email);
  });

  it('records a key created and revoked by the clinic:key command, without its hash', async () => {
    const { id } = await actingAs({ kind: 'command', command: 'clinic:key' }, () => createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'preview' }));
    await actingAs({ kind: 'command', command: 'clinic:key' }, () => revokeClinicKey({ strapi: app.strapi, slug: 'northside-physio', keyId: id }));

    const [created] = await entries('key.created', 1);
    const [revoked] = await entries('key.revoked', 1);
    expect(created).toMatchObject({ actor: 'cli:clinic:key', actorEmail: null, target: { uid: 'api::clinic.clinic' }, details: { clinic: 'northside-physio', keyId: id, kind: 'preview', expiresAt: null } });
    expect(revoked).toMatchObject({ actor: 'cli:clinic:key', details: { clinic: 'northside-physio', keyId: id, kind: 'preview', revokedAt: expect.any(String) } });
    expect(Object.keys(created!.details).sort()).toEqual(['clinic', 'expiresAt', 'keyId', 'kind']);
  });

  it('records an XLIFF import and an adaptation confirmation as one row each, naming who made them', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'audit-xliff-'));
    try {
      const file = path.join(dir, 'causes-fr.xlf');
      writeFileSync(file, (await exportXliff(app.strapi, { locale: 'fr', types: ['cause'] })).xml);
      const imported = await actingAs({ kind: 'command', command: 'l10n:import' }, () => importXliff(app.strapi, { file }));
      const [row] = await entries('xliff.imported', 1);
      expect(row).toMatchObject({
        actor: 'cli:l10n:import',
        target: { uid: null, documentId: null, locale: 'fr' },
        details: { file: 'causes-fr.xlf', units: imported.units, translated: imported.translated, entriesWritten: imported.entriesWritten, clinic: null },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const adaptation = (await app.strapi.db.query('api::clinic-adaptation.clinic-adaptation').findOne({ select: ['documentId', 'clinic'] })) as { documentId: string; clinic: string };
    expect((await request(`/editor/adaptations/${adaptation.documentId}/confirm`, { method: 'POST' })).status).toBe(200);
    const [confirmed] = await entries('adaptation.confirmed', 1);
    expect(confirmed).toMatchObject({
      actor: `admin:${adminId}`,
      target: { uid: 'api::clinic-adaptation.clinic-adaptation', documentId: adaptation.documentId, locale: null },
      details: { clinic: adaptation.clinic, locales: expect.arrayContaining(['en']) },
    });
  });

  it('keeps one unforked chain through 20 concurrent publishes', async () => {
    const targets: Array<{ uid: string; documentId: string; locale: string }> = [];
    for (const uid of SERVED) for (const document of await documentsOf(uid)) targets.push({ uid, documentId: document.documentId, locale: 'en' });
    for (const uid of SERVED.slice(0, 2)) for (const document of (await documentsOf(uid, 'fr')).slice(0, 1)) targets.push({ uid, documentId: document.documentId, locale: 'fr' });
    expect(targets.length).toBeGreaterThanOrEqual(20);
    const before = await verifyAuditChain(app.strapi);

    const answers = await Promise.all(
      targets.slice(0, 20).map((target) => request(`/content-manager/collection-types/${target.uid}/${target.documentId}/actions/publish?locale=${target.locale}`, { method: 'POST', body: {} })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));

    const report = await verifyAuditChain(app.strapi);
    expect(report.firstBad).toBeNull();
    expect(report.rows).toBeGreaterThanOrEqual(before.rows + 20);
    const forks = await app.strapi.db.connection('audit_log').select('prev_hash').count('* as count').groupBy('prev_hash').havingRaw('count(*) > 1');
    expect(forks).toEqual([]);
  });

  it('refuses an export without --since, or with a date that is none, with exit code 2 before booting', async () => {
    const [missing, bad] = await Promise.all([cli('export', '--csv'), cli('export', '--since', '2026-13-01')]);
    expect(missing).toMatchObject({ status: 2, stdout: '', stderr: expect.stringContaining('Name where the export starts with --since <date>.') });
    expect(bad).toMatchObject({ status: 2, stdout: '', stderr: expect.stringContaining('--since: "2026-13-01" is not a real date.') });
  });

  it('exports JSON and CSV from a date, and verifies intact; an edited row fails verify naming that row', async () => {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const [json, csv, intact] = await Promise.all([cli('export', '--since', since, '--json'), cli('export', '--since', since, '--csv'), cli('verify')]);
    expect(json.status).toBe(0);
    const rows = JSON.parse(json.stdout) as Array<{ id: number; action: string; actorEmail: string | null; hash: string }>;
    expect(rows.map((row) => row.action)).toEqual(expect.arrayContaining(['content.published', 'review.changed', 'role.permissions.changed', 'user.created', 'key.created', 'key.revoked']));
    expect(rows.map((row) => row.id)).toEqual([...rows.map((row) => row.id)].sort((a, b) => a - b));

    expect(csv.status).toBe(0);
    const lines = csv.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,actorEmail,action,uid,documentId,locale,details,prevHash,hash');
    expect(lines).toHaveLength(rows.length + 1);
    const reviewRow = rows.find((row) => row.action === 'review.changed' && row.actorEmail === ADMIN.email)!;
    expect(lines.find((line) => line.startsWith(`${reviewRow.id},`))).toContain(`,review.changed,${TECHNIQUE},`);

    expect(intact).toMatchObject({ status: 0, stderr: expect.not.stringContaining('broken') });
    expect(intact.stdout).toMatch(/^The audit trail is intact: \d+ rows, head [0-9a-f]{64}\.\n$/);

    const edited = reviewRow.id;
    await app.strapi.db.connection('audit_log').where('id', edited).update({ details: '{"after":{"reviewedBy":"Someone else"}}' });
    const broken = await cli('verify');
    expect(broken.status).toBe(1);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toContain(`The audit trail is broken at row ${edited}: its content does not match its hash: the row was edited.`);
  });
});
