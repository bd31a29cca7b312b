import { errors } from '@strapi/utils';
import { findModelMeta, i18nLocales, isServedUid, localeCodes, modelMeta, SERVED_MODELS, UIDS } from '../../src/content/model';
import { startApp, type TestApp } from '../helpers/strapi';
import { paths, rejection } from '../helpers/validation';

let app: TestApp;

interface Written {
  documentId: string;
}

const clinic = {
  name: 'Lakeside Rehab',
  slug: 'lakeside-rehab',
  phone: '+1 416 555 0199',
  email: 'hello@lakeside-rehab.example',
  bookingUrl: 'https://lakeside-rehab.example/book',
  address: { street: '1 Lake Shore Blvd', city: 'Toronto', country: 'CA' },
  locales: ['en'],
};


beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.stop();
});

describe('content writes through the Document Service', () => {
  it('refuses a slug that is not lowercase-kebab, suggesting one', async () => {
    const error = await rejection(() =>
      app.strapi.documents('api::condition.condition').create({
        locale: 'en',
        data: { name: 'Neck Pain', slug: 'Neck Pain', summary: 'Pain in the neck.' },
      } as never),
    );
    expect(error.message).toBe(
      'slug "Neck Pain" must be lowercase-kebab: lowercase letters and digits separated by single hyphens (e.g. "neck-pain")',
    );
    expect(paths(error)).toEqual(['slug']);
    expect(await app.strapi.db.query('api::condition.condition').count({})).toBe(0);
  });

  it('refuses a clinic with a malformed email, phone, URL and country, naming every field', async () => {
    const error = await rejection(() =>
      app.strapi.documents('api::clinic.clinic').create({
        locale: 'en',
        data: {
          ...clinic,
          email: 'hello-at-lakeside',
          phone: '555',
          website: 'lakeside-rehab.example',
          address: { ...clinic.address, country: 'Canada' },
        },
      } as never),
    );
    expect(paths(error).sort()).toEqual(['address.country', 'email', 'phone', 'website']);
    const messages = (error.details as { errors: Array<{ message: string }> }).errors.map((item) => item.message);
    expect(messages).toContain('email "hello-at-lakeside" is not an email address (expected something like "front-desk@clinic.example")');
    expect(error.message).toMatch(/ \(and 3 more\)$/);
  });

  it('refuses clinic locales the service does not have', async () => {
    const error = await rejection(() =>
      app.strapi.documents('api::clinic.clinic').create({ locale: 'en', data: { ...clinic, locales: ['en', 'xx'] } } as never),
    );
    expect(error.message).toContain('locales has "xx", which is not a locale of this service');
  });

  it('refuses a medical review whose next review is not after the last one', async () => {
    const error = await rejection(() =>
      app.strapi.documents('api::cause.cause').create({ locale: 'en', data: { name: 'Poor posture', slug: 'poor-posture', summary: 'x' } } as never).then(() =>
        app.strapi.documents('api::condition.condition').create({
          locale: 'en',
          data: {
            name: 'Neck pain',
            slug: 'neck-pain',
            summary: 'Pain in the neck.',
            medicalReview: { reviewedBy: 'A. Clinician', lastReviewed: '2026-06-01', nextReviewDue: '2026-01-01' },
          },
        } as never),
      ),
    );
    expect(error.message).toBe('medicalReview.nextReviewDue "2026-01-01" must be after lastReviewed "2026-06-01"');
    expect(paths(error)).toEqual(['medicalReview']);
  });

  it('accepts a well-formed clinic and refuses a bad value on a later update', async () => {
    const created = (await app.strapi.documents('api::clinic.clinic').create({ locale: 'en', data: clinic } as never)) as unknown as Written;
    expect(created.documentId).toEqual(expect.any(String));

    const error = await rejection(() =>
      app.strapi.documents('api::clinic.clinic').update({
        documentId: created.documentId,
        locale: 'en',
        data: { bookingUrl: 'ftp://lakeside-rehab.example' },
      } as never),
    );
    expect(error.message).toContain('bookingUrl "ftp://lakeside-rehab.example" is not an absolute http(s) URL');
    await app.strapi.documents('api::clinic.clinic').delete({ documentId: created.documentId } as never);
  });

  it('refuses to publish an entry whose required fields are empty', async () => {
    const draft = (await app.strapi.documents('api::benefit.benefit').create({
      locale: 'en',
      data: { name: 'Better sleep', slug: 'better-sleep' },
    } as never)) as unknown as Written;

    const error = await rejection(() =>
      app.strapi.documents('api::benefit.benefit').publish({ documentId: draft.documentId, locale: 'en' } as never),
    );
    expect(error.message).toMatch(/summary/);
    await app.strapi.documents('api::benefit.benefit').delete({ documentId: draft.documentId } as never);
  });

  it('refuses text with a clinic token that does not exist, naming it and the known ones', async () => {
    const error = await rejection(() =>
      app.strapi.documents('api::technique.technique').create({
        locale: 'en',
        data: {
          name: 'Cupping',
          slug: 'cupping',
          summary: 'Ask {{clinic.fax}} about cupping.',
          goal: 'Loosen tissue.',
          intro: [{ type: 'paragraph', children: [{ type: 'text', text: 'Call {{clinic.name}} or {{clinc.phone}}.' }] }],
          callToAction: { text: 'Book at {{clinic.bookingUrl}}', url: '{{clinic.bookingUrl}}' },
        },
      } as never),
    );
    expect(paths(error).sort()).toEqual(['intro', 'summary']);
    const messages = (error.details as { errors: Array<{ message: string }> }).errors.map((item) => item.message);
    expect(messages).toContainEqual(expect.stringMatching(/^summary uses \{\{clinic\.fax\}\}, which is not a clinic token; use one of \{\{clinic\.name\}\}/));
    expect(messages).toContainEqual(expect.stringMatching(/^intro\[0\]\[0\] uses \{\{clinc\.phone\}\}/));
  });
});

describe("the content model's view of Strapi's metadata", () => {
  it.each(SERVED_MODELS.map((model) => [model.uid, model] as const))('finds the components and relations the registry lists for %s', (uid, model) => {
    const meta = modelMeta(app.strapi, uid);
    expect(meta.fields.filter((field) => field.component !== null).map((field) => field.name).sort()).toEqual([...model.components].sort());
    const served = meta.fields.filter((field) => field.relation !== null && isServedUid(field.relation.target) && field.name !== 'localizations');
    expect(Object.fromEntries(served.map((field) => [field.name, field.relation?.target]))).toEqual(model.relations);
    for (const field of served) expect({ field: field.name, joinTable: typeof field.joinTable?.name }).toEqual({ field: field.name, joinTable: 'string' });
  });

  it('describes a component field: the component, whether it is a list, and the join table it is stored in', () => {
    const technique = modelMeta(app.strapi, UIDS.technique);
    expect(technique.tableName).toBe('techniques');
    expect(technique.field('procedure')).toMatchObject({
      type: 'component',
      column: null,
      isLocalized: true,
      component: { uid: 'content.procedure-step', isRepeatable: true },
      relation: null,
      joinTable: { name: 'techniques_cmps', on: { field: 'procedure' }, orderColumnName: 'order' },
    });
    expect(technique.field('medicalReview')?.component).toEqual({ uid: 'medical.review', isRepeatable: false });
    const review = modelMeta(app.strapi, 'medical.review');
    expect(review.tableName).toBe('components_medical_reviews');
    expect(review.fields.map((field) => field.name)).toEqual(['reviewedBy', 'reviewerType', 'reviewerCredentials', 'lastReviewed', 'nextReviewDue']);
  });

  it('describes both sides of a relation, and which fields are localized, required, private and where they are stored', () => {
    const technique = modelMeta(app.strapi, UIDS.technique);
    expect(technique.field('treats')?.relation).toEqual({ target: UIDS.condition, kind: 'manyToMany', inversedBy: 'techniques', mappedBy: null });
    expect(modelMeta(app.strapi, UIDS.condition).field('techniques')?.relation).toEqual({ target: UIDS.technique, kind: 'manyToMany', inversedBy: null, mappedBy: 'treats' });
    expect(modelMeta(app.strapi, UIDS.clinic).field('offeredTechniques')?.relation).toMatchObject({ inversedBy: null, mappedBy: null });
    expect(technique.field('name')).toMatchObject({ type: 'string', column: 'name', isLocalized: true, isRequired: false });
    expect(technique.field('slug')).toMatchObject({ type: 'uid', isLocalized: false, isRequired: true });
    expect(modelMeta(app.strapi, UIDS.clinic).field('accessKeys')).toMatchObject({ type: 'json', column: 'access_keys', isPrivate: true });
    expect(technique.field('documentId')).toBeUndefined();
  });

  it('answers undefined for a model Strapi does not have, and modelMeta refuses it', () => {
    expect(findModelMeta(app.strapi, 'api::widget.widget')).toBeUndefined();
    expect(() => modelMeta(app.strapi, 'api::widget.widget')).toThrow('Strapi has no model "api::widget.widget"');
  });

  it("reads the i18n plugin's locales and default locale", async () => {
    expect(await localeCodes(app.strapi)).toContain('en');
    expect(await i18nLocales(app.strapi).getDefaultLocale()).toBe('en');
  });
});
