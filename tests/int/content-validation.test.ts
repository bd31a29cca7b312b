import { errors } from '@strapi/utils';
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
