/**
 * Writes of clinic adaptations over a real Strapi and the real admin API: the adaptation rules refuse
 * with a 400 that names the field and says why, whoever writes (the content manager, a script), and
 * every save and publish records the basis of the overrides, whatever the client sent.
 */
import { confirmAdaptation, fingerprint } from '../../src/clinics/adaptations';
import { ADAPTATION, UIDS } from '../../src/content/model';
import { startApp, type TestApp } from '../helpers/strapi';
import { rejection } from '../helpers/validation';

const ADMIN = { email: 'adaptations@clinic-content.test', password: 'Adapt-Pass-123' };
const TECHNIQUE = 'scraping-therapy';
const CONDITION = 'neck-strain';
const HARBOUR = 'harbour-test-clinic';
const NORTH = 'north-test-clinic';
const COLLECTION = `/content-manager/collection-types/${ADAPTATION.uid}`;

const paragraph = (text: string) => [{ type: 'paragraph', children: [{ type: 'text', text }] }];
const review = { reviewedBy: 'Clinical content team', reviewerType: 'organization', lastReviewed: '2026-01-10', nextReviewDue: '2027-01-10' };

interface Answer {
  status: number;
  body: {
    data?: { documentId?: string } & Record<string, unknown>;
    error?: { status: number; name: string; message: string; details: { errors?: Array<{ path: string[]; message: string }> } };
  };
}

type Documents = {
  create(params: object): Promise<{ documentId: string }>;
  update(params: object): Promise<unknown>;
  publish(params: object): Promise<unknown>;
  delete(params: object): Promise<unknown>;
};

let app: TestApp;
let token = '';
const documents = (uid: string) => app.strapi.documents(uid as never) as unknown as Documents;

async function adminRequest(path: string, init: { method?: string; body?: unknown } = {}): Promise<Answer> {
  const response = await fetch(`${app.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(token === '' ? {} : { authorization: `Bearer ${token}` }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const createAdaptation = (body: Record<string, unknown>) => adminRequest(`${COLLECTION}?locale=en`, { method: 'POST', body });

/** An adaptation made through the admin for a test, deleted after it. */
async function withAdaptation(body: Record<string, unknown>, test: (documentId: string) => Promise<void>): Promise<void> {
  const created = await createAdaptation(body);
  expect(created.status).toBe(201);
  const documentId = created.body.data?.documentId ?? '';
  try {
    await test(documentId);
  } finally {
    await documents(ADAPTATION.uid).delete({ documentId, locale: '*' });
  }
}

/** The refusal's message and the paths it names. */
function refusal(answer: Answer): { status: number; message: string | undefined; paths: string[] } {
  return { status: answer.status, message: answer.body.error?.message, paths: (answer.body.error?.details.errors ?? []).map((error) => error.path.join('.')) };
}

const adaptationCount = () => app.strapi.db.query(ADAPTATION.uid).count({});

async function storedRow(documentId: string, input: { locale?: string; isPublished?: boolean } = {}): Promise<Record<string, unknown>> {
  const row = (await app.strapi.db.query(ADAPTATION.uid).findOne({
    where: { documentId, locale: input.locale ?? 'en', publishedAt: input.isPublished === true ? { $notNull: true } : null },
  })) as Record<string, unknown> | null;
  if (row === null) throw new Error(`no row of ${documentId}`);
  return row;
}

const BASE_INTRO = paragraph('Scraping therapy loosens tight fascia.');

beforeAll(async () => {
  app = await startApp({ isListening: true, environment: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
  const login = await adminRequest('/admin/login', { method: 'POST', body: ADMIN });
  expect(login.status).toBe(200);
  token = String((login.body.data as { token?: string } | undefined)?.token ?? '');

  const conditions: Record<string, string> = {};
  for (const slug of [CONDITION, 'jaw-pain', 'fibromyalgia-test']) {
    const { documentId } = await documents(UIDS.condition).create({ locale: 'en', data: { name: slug, slug, summary: `About ${slug}.`, medicalReview: review } });
    await documents(UIDS.condition).publish({ documentId, locale: 'en' });
    conditions[slug] = documentId;
  }
  const { documentId } = await documents(UIDS.technique).create({
    locale: 'en',
    data: {
      name: 'Scraping therapy',
      slug: TECHNIQUE,
      summary: 'A tool glides over the skin.',
      intro: BASE_INTRO,
      goal: 'Loosen fascia.',
      callToAction: { text: 'Contact {{clinic.name}}' },
      medicalReview: review,
      treats: [conditions[CONDITION], conditions['jaw-pain']],
    },
  });
  await documents(UIDS.technique).publish({ documentId, locale: 'en' });
  for (const slug of [HARBOUR, NORTH]) {
    await documents(UIDS.clinic).create({
      locale: 'en',
      data: { name: slug, slug, phone: '+1 604 555 0134', email: `front@${slug}.example`, address: { street: '1 Main St', city: 'Vancouver', country: 'CA' }, locales: ['en', 'fr'] },
    });
  }
});

afterAll(async () => {
  await app?.stop();
});

describe('an adaptation saved through the admin', () => {
  it('refuses a vetted field of the target with the reason, creating nothing', async () => {
    expect(refusal(await createAdaptation({ goal: 'Cures everything.' }))).toEqual({
      status: 400,
      message: 'goal is vetted medical content and cannot be adapted per clinic',
      paths: ['goal'],
    });
    const named = await createAdaptation({ clinic: HARBOUR, technique: TECHNIQUE, intro: paragraph('Ours.'), goal: 'Cures everything.' });
    expect(refusal(named)).toEqual({ status: 400, message: 'goal is vetted medical content and cannot be adapted per clinic', paths: ['goal'] });
    expect(named.body.error?.name).toBe('ValidationError');
    expect(await adaptationCount()).toBe(0);
  });

  it('refuses a vetted field on an update and a publish of an existing adaptation, whose target the body does not name', async () => {
    await withAdaptation({ clinic: HARBOUR, technique: TECHNIQUE, summary: 'Ours.' }, async (documentId) => {
      const updated = await adminRequest(`${COLLECTION}/${documentId}?locale=en`, { method: 'PUT', body: { howItWorks: paragraph('Magic.') } });
      expect(refusal(updated)).toEqual({ status: 400, message: 'howItWorks is vetted medical content and cannot be adapted per clinic', paths: ['howItWorks'] });
      const published = await adminRequest(`${COLLECTION}/${documentId}/actions/publish?locale=en`, { method: 'POST', body: { summary: 'Ours.', goal: 'x' } });
      expect(refusal(published).message).toBe('goal is vetted medical content and cannot be adapted per clinic');
      expect((await storedRow(documentId)).summary).toBe('Ours.');
    });
  });

  it('refuses a field neither the adaptation nor its target has as unknown', async () => {
    expect(refusal(await createAdaptation({ clinic: HARBOUR, technique: TECHNIQUE, colour: 'blue' }))).toEqual({
      status: 400,
      message: 'colour is not a field of a clinic adaptation: a technique adaptation overrides summary, intro, callToAction, seo and adds faqs, localSection',
      paths: ['colour'],
    });
  });

  it('refuses an override the target type does not have', async () => {
    const answer = await createAdaptation({ clinic: HARBOUR, condition: CONDITION, intro: paragraph('Ours.') });
    expect(refusal(answer)).toMatchObject({ status: 400, paths: ['intro'], message: expect.stringMatching(/^intro cannot be adapted for a condition, which has no intro/) });
  });

  it('saves and publishes a valid adaptation, hiding a condition the technique treats', async () => {
    const body = {
      clinic: HARBOUR,
      technique: TECHNIQUE,
      intro: paragraph('At Harbour we start with a chat.'),
      faqs: [{ question: 'Do you bill my insurance directly?', answer: paragraph('Yes, most plans.') }],
      localSection: paragraph('Free parking behind the clinic.'),
      hidden: [{ relation: 'treats', slug: 'jaw-pain' }],
    };
    await withAdaptation(body, async (documentId) => {
      const published = await adminRequest(`${COLLECTION}/${documentId}/actions/publish?locale=en`, { method: 'POST', body });
      expect({ status: published.status, error: published.body.error }).toEqual({ status: 200, error: undefined });
      const row = await storedRow(documentId, { isPublished: true });
      expect(row).toMatchObject({ clinic: HARBOUR, technique: TECHNIQUE, condition: null, intro: body.intro, localSection: body.localSection });
      const stored = (await app.strapi.db.query(ADAPTATION.uid).findOne({ where: { id: row.id }, populate: { hidden: true, faqs: true } })) as Record<string, unknown>;
      expect(stored.hidden).toEqual([expect.objectContaining({ relation: 'treats', slug: 'jaw-pain' })]);
      expect(stored.faqs).toEqual([expect.objectContaining({ question: 'Do you bill my insurance directly?' })]);
    });
  });

  it('records the basis of each override against the published base on save and publish, never what the client sent', async () => {
    const forged = { intro: { locale: 'xx', hash: 'forged', text: 'forged' } };
    const body = { clinic: HARBOUR, technique: TECHNIQUE, intro: paragraph('Ours.'), callToAction: { text: 'Call us' }, basis: forged };
    await withAdaptation(body, async (documentId) => {
      const expected = {
        intro: { locale: 'en', hash: fingerprint(BASE_INTRO).hash, text: 'Scraping therapy loosens tight fascia.' },
        callToAction: { locale: 'en', hash: fingerprint({ text: 'Contact {{clinic.name}}' }).hash, text: 'text: Contact {{clinic.name}}' },
      };
      expect((await storedRow(documentId)).basis).toEqual(expected);
      const published = await adminRequest(`${COLLECTION}/${documentId}/actions/publish?locale=en`, { method: 'POST', body });
      expect(published.status).toBe(200);
      expect((await storedRow(documentId, { isPublished: true })).basis).toEqual(expected);
    });
  });

  it('keeps the basis off the edit view, and lists adaptations by clinic and target', async () => {
    const answer = await adminRequest(`/content-manager/content-types/${ADAPTATION.uid}/configuration`);
    const contentType = (answer.body.data as { contentType: { layouts: { edit: Array<Array<{ name: string }>>; list: string[] }; metadatas: Record<string, { edit: { visible?: boolean } }> } })
      .contentType;
    expect(contentType.layouts.edit.flat().map((cell) => cell.name)).not.toContain(ADAPTATION.basisField);
    expect(contentType.metadatas[ADAPTATION.basisField]?.edit.visible).toBe(false);
    expect(contentType.layouts.list).toEqual(['clinic', 'technique', 'condition', 'updatedAt']);
  });

  it('refuses a second adaptation of the same clinic and entry, and takes a new locale of the same one', async () => {
    await withAdaptation({ clinic: HARBOUR, technique: TECHNIQUE, summary: 'Ours.' }, async (documentId) => {
      const second = await createAdaptation({ clinic: HARBOUR, technique: TECHNIQUE, summary: 'Another.' });
      expect(refusal(second)).toEqual({
        status: 400,
        message: `clinic "${HARBOUR}" already adapts technique "${TECHNIQUE}" (adaptation ${documentId}): there is one adaptation per clinic and entry; edit that one, or add this locale to it`,
        paths: ['technique'],
      });
      const french = await adminRequest(`${COLLECTION}/${documentId}?locale=fr`, { method: 'PUT', body: { summary: 'La nôtre.' } });
      expect(french.status).toBe(200);
      expect(await storedRow(documentId, { locale: 'fr' })).toMatchObject({ clinic: HARBOUR, technique: TECHNIQUE, summary: 'La nôtre.' });
      // Another clinic may adapt the same entry.
      const north = await createAdaptation({ clinic: NORTH, technique: TECHNIQUE, summary: 'North.' });
      expect(north.status).toBe(201);
      await documents(ADAPTATION.uid).delete({ documentId: north.body.data?.documentId, locale: '*' });
    });
  });

  it('duplicates an adaptation for another clinic only, with the basis of its own overrides', async () => {
    await withAdaptation({ clinic: HARBOUR, technique: TECHNIQUE, intro: paragraph('Ours.') }, async (documentId) => {
      const same = await adminRequest(`${COLLECTION}/clone/${documentId}?locale=en`, { method: 'POST', body: { intro: paragraph('Copy.') } });
      expect(refusal(same)).toMatchObject({ status: 400, paths: ['technique'], message: expect.stringContaining(`clinic "${HARBOUR}" already adapts technique "${TECHNIQUE}"`) });
      const north = await adminRequest(`${COLLECTION}/clone/${documentId}?locale=en`, { method: 'POST', body: { clinic: NORTH, intro: paragraph('North.') } });
      expect(north.status).toBe(200);
      const cloned = north.body.data?.documentId ?? '';
      try {
        expect(await storedRow(cloned)).toMatchObject({ clinic: NORTH, technique: TECHNIQUE, basis: { intro: expect.objectContaining({ hash: fingerprint(BASE_INTRO).hash }) } });
      } finally {
        await documents(ADAPTATION.uid).delete({ documentId: cloned, locale: '*' });
      }
    });
  });

  it('refuses an adaptation of both a technique and a condition, or of neither', async () => {
    expect(refusal(await createAdaptation({ clinic: HARBOUR, technique: TECHNIQUE, condition: CONDITION }))).toEqual({
      status: 400,
      message: `technique "${TECHNIQUE}" and condition "${CONDITION}" are both set: an adaptation adapts exactly one entry; clear one of them`,
      paths: ['condition'],
    });
    expect(refusal(await createAdaptation({ clinic: HARBOUR, summary: 'Ours.' }))).toEqual({
      status: 400,
      message: 'technique or condition must be set: an adaptation adapts exactly one entry (give its slug)',
      paths: ['technique'],
    });
  });

  it('refuses a clinic or a target that does not exist', async () => {
    expect(refusal(await createAdaptation({ clinic: 'nowhere-clinic', technique: TECHNIQUE }))).toEqual({
      status: 400,
      message: 'clinic "nowhere-clinic" is not a clinic: no clinic has the slug "nowhere-clinic"',
      paths: ['clinic'],
    });
    expect(refusal(await createAdaptation({ clinic: HARBOUR, condition: 'no-such-condition' }))).toEqual({
      status: 400,
      message: 'condition "no-such-condition" is not a condition: no condition has the slug "no-such-condition"',
      paths: ['condition'],
    });
    expect(await adaptationCount()).toBe(0);
  });

  it('refuses to hide an entry the target does not link', async () => {
    const answer = await createAdaptation({ clinic: NORTH, technique: TECHNIQUE, hidden: [{ relation: 'treats', slug: 'fibromyalgia-test' }] });
    expect(refusal(answer)).toEqual({
      status: 400,
      message: `hidden[0].slug "fibromyalgia-test" is not linked from technique "${TECHNIQUE}" under treats, so there is nothing to hide: it links "jaw-pain", "${CONDITION}" there`,
      paths: ['hidden.0.slug'],
    });
  });

  it('refuses a clinic token that does not exist', async () => {
    const answer = await createAdaptation({ clinic: NORTH, technique: TECHNIQUE, intro: paragraph('Call {{clinic.phon}} today.') });
    expect(refusal(answer)).toMatchObject({ status: 400, paths: ['intro'], message: expect.stringContaining('uses {{clinic.phon}}, which is not a clinic token') });
  });
});

describe('an adaptation written through the Document Service (scripts, the seed)', () => {
  it('follows the same rules', async () => {
    const error = await rejection(() => documents(ADAPTATION.uid).create({ locale: 'en', data: { clinic: NORTH, technique: TECHNIQUE, goal: 'x' } }));
    expect(error.message).toBe('goal is vetted medical content and cannot be adapted per clinic');
    const unlinked = await rejection(() => documents(ADAPTATION.uid).create({ locale: 'en', data: { clinic: NORTH, condition: CONDITION, hidden: [{ relation: 'treats', slug: 'jaw-pain' }] } }));
    expect(unlinked.message).toBe('hidden[0].relation "treats" is not a link of a condition: a condition links causes, techniques');
  });

  it('keeps one adaptation per clinic and entry when two are created at the same moment', async () => {
    const before = await adaptationCount();
    const outcomes = await Promise.allSettled(
      ['First.', 'Second.', 'Third.'].map((summary) => documents(ADAPTATION.uid).create({ locale: 'en', data: { clinic: NORTH, condition: CONDITION, summary } })),
    );
    const created = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.documentId] : []));
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [(outcome.reason as Error).message] : []));
    try {
      expect(created).toHaveLength(1);
      expect(refused).toEqual([0, 1].map(() => expect.stringContaining(`clinic "${NORTH}" already adapts condition "${CONDITION}" (adaptation ${created[0]})`)));
      expect(await adaptationCount()).toBe(before + 1);
    } finally {
      for (const documentId of created) await documents(ADAPTATION.uid).delete({ documentId, locale: '*' });
    }
  });

  it('records the new base when the adaptation is confirmed after the base changed', async () => {
    const { documentId } = await documents(ADAPTATION.uid).create({ locale: 'en', data: { clinic: NORTH, technique: TECHNIQUE, intro: paragraph('North intro.') } });
    await documents(ADAPTATION.uid).publish({ documentId, locale: 'en' });
    const technique = (await app.strapi.db.query(UIDS.technique).findOne({ where: { slug: TECHNIQUE, locale: 'en', publishedAt: null } })) as { documentId: string };
    const newIntro = paragraph('Scraping therapy, revised.');
    try {
      await documents(UIDS.technique).update({ documentId: technique.documentId, locale: 'en', data: { intro: newIntro } });
      await documents(UIDS.technique).publish({ documentId: technique.documentId, locale: 'en' });
      expect((await storedRow(documentId, { isPublished: true })).basis).toEqual({ intro: expect.objectContaining({ hash: fingerprint(BASE_INTRO).hash }) });

      const confirmed = await confirmAdaptation(app.strapi, { documentId });
      const renewed = { intro: { locale: 'en', hash: fingerprint(newIntro).hash, text: 'Scraping therapy, revised.' } };
      expect(confirmed?.rows.map((row) => row.isPublished).sort()).toEqual([false, true]);
      expect((await storedRow(documentId, { isPublished: true })).basis).toEqual(renewed);
      expect((await storedRow(documentId)).basis).toEqual(renewed);
      expect(await confirmAdaptation(app.strapi, { documentId: 'no-such-document' })).toBeNull();
    } finally {
      await documents(UIDS.technique).update({ documentId: technique.documentId, locale: 'en', data: { intro: BASE_INTRO } });
      await documents(UIDS.technique).publish({ documentId: technique.documentId, locale: 'en' });
      await documents(ADAPTATION.uid).delete({ documentId, locale: '*' });
    }
  });
});
