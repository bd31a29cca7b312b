import { readFileSync } from 'fs';
import path from 'path';
import { basisOf, canonicalJson, fingerprint, plainText } from '../../src/clinics/adaptations/basis';
import { adaptationFieldIssues, adaptationTarget, hiddenEntries, hiddenIssues, OVERRIDE_FIELDS, type FieldsOf } from '../../src/clinics/adaptations/rules';
import { MODELS, UIDS } from '../../src/content/model';

const SRC = path.resolve(__dirname, '..', '..', 'src');

/** Every field of a type as Strapi has it: its schema.json's, and the ones Strapi adds. */
const fieldsOf: FieldsOf = (uid) => {
  const [, api, type] = /^api::([^.]+)\.(.+)$/.exec(uid) ?? [];
  const schema = JSON.parse(readFileSync(path.join(SRC, 'api', api ?? '', 'content-types', type ?? '', 'schema.json'), 'utf8'));
  return [...Object.keys(schema.attributes), 'createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy', 'locale', 'localizations'];
};

const technique = MODELS[UIDS.technique];
const condition = MODELS[UIDS.condition];
const paragraph = (text: string) => [{ type: 'paragraph', children: [{ type: 'text', text }] }];
const messages = (issues: Array<{ message: string }>) => issues.map((issue) => issue.message);

describe('the fields an adaptation write may name', () => {
  it('refuses a vetted field of the target with the reason', () => {
    const issues = adaptationFieldIssues({ target: technique, data: { goal: 'Cure everything.' }, fieldsOf });
    expect(issues).toEqual([{ path: ['goal'], message: 'goal is vetted medical content and cannot be adapted per clinic' }]);
  });

  it('refuses a vetted field while the target is not known yet, as a field of any adaptable type', () => {
    expect(messages(adaptationFieldIssues({ target: null, data: { goal: 'x', description: 'y' }, fieldsOf }))).toEqual([
      'goal is vetted medical content and cannot be adapted per clinic',
      'description is vetted medical content and cannot be adapted per clinic',
    ]);
  });

  it('points a relation of the target at the hidden entries', () => {
    expect(messages(adaptationFieldIssues({ target: technique, data: { treats: [] }, fieldsOf }))).toEqual([
      "treats is vetted medical content and cannot be adapted per clinic; to leave a linked entry off the clinic's pages, list it under hidden",
    ]);
  });

  it('accepts the overrides, own content, hides and Strapi fields of a technique adaptation', () => {
    const data = {
      id: 4,
      documentId: 'abc',
      locale: 'en',
      createdBy: 1,
      clinic: 'harbour',
      technique: 'myofascial-release-therapy',
      condition: null,
      summary: 'Ours.',
      intro: paragraph('Our intro.'),
      callToAction: { text: 'Call {{clinic.name}}' },
      seo: { metaTitle: 'MRT at Harbour' },
      faqs: [{ question: 'Direct billing?', answer: 'Yes.' }],
      localSection: paragraph('At our clinic…'),
      hidden: [{ relation: 'treats', slug: 'migraine' }],
      basis: { anything: true },
    };
    expect(adaptationFieldIssues({ target: technique, data, fieldsOf })).toEqual([]);
  });

  it('refuses an override the target type has no field for, and lets its empty value pass (the admin sends every field)', () => {
    expect(messages(adaptationFieldIssues({ target: condition, data: { intro: paragraph('Hello'), callToAction: null }, fieldsOf }))).toEqual([
      'intro cannot be adapted for a condition, which has no intro: a condition adaptation overrides summary, seo and adds faqs, localSection',
    ]);
  });

  it('refuses a field neither the adaptation nor the target has as unknown, naming what may be written', () => {
    expect(messages(adaptationFieldIssues({ target: technique, data: { colour: 'blue' }, fieldsOf }))).toEqual([
      'colour is not a field of a clinic adaptation: a technique adaptation overrides summary, intro, callToAction, seo and adds faqs, localSection',
    ]);
    expect(messages(adaptationFieldIssues({ target: null, data: { colour: 'blue' }, fieldsOf }))[0]).toBe(
      'colour is not a field of a clinic adaptation: its fields are clinic, technique, condition, summary, intro, callToAction, seo, faqs, localSection, hidden',
    );
  });

  it('refuses a field of the other adaptable type as unknown, not as vetted', () => {
    expect(messages(adaptationFieldIssues({ target: technique, data: { description: 'x' }, fieldsOf }))[0]).toMatch(/^description is not a field of a clinic adaptation/);
  });

  it('knows every adaptable field of the registry as an override', () => {
    expect([...OVERRIDE_FIELDS].sort()).toEqual(['callToAction', 'intro', 'seo', 'summary']);
  });
});

describe('the entry an adaptation adapts', () => {
  it('is the one target set', () => {
    expect(adaptationTarget({ technique: 'mrt', condition: '' })).toEqual({ target: { field: 'technique', model: technique, slug: 'mrt' }, issues: [] });
    expect(adaptationTarget({ technique: null, condition: ' back-pain ' }).target?.slug).toBe('back-pain');
  });

  it('refuses none and both, naming the fields', () => {
    expect(adaptationTarget({}).issues).toEqual([{ path: ['technique'], message: 'technique or condition must be set: an adaptation adapts exactly one entry (give its slug)' }]);
    expect(adaptationTarget({ technique: 'mrt', condition: 'back-pain' }).issues).toEqual([
      { path: ['condition'], message: 'technique "mrt" and condition "back-pain" are both set: an adaptation adapts exactly one entry; clear one of them' },
    ]);
  });
});

describe('hidden entries', () => {
  const target = { field: 'technique' as const, model: technique, slug: 'mrt' };
  const linked = new Map([['treats', new Set(['back-pain', 'migraine'])]]);

  it('accepts an entry the target links', () => {
    expect(hiddenIssues({ target, hidden: hiddenEntries([{ relation: 'treats', slug: 'migraine' }]), linked })).toEqual([]);
  });

  it('refuses an entry the target does not link, naming what it links', () => {
    expect(hiddenIssues({ target, hidden: hiddenEntries([{ relation: 'treats', slug: 'fibromyalgia' }]), linked })).toEqual([
      {
        path: ['hidden', 0, 'slug'],
        message: 'hidden[0].slug "fibromyalgia" is not linked from technique "mrt" under treats, so there is nothing to hide: it links "back-pain", "migraine" there',
      },
    ]);
  });

  it("refuses a relation the target's type does not have", () => {
    expect(messages(hiddenIssues({ target, hidden: hiddenEntries([{ relation: 'techniques', slug: 'x' }]), linked }))).toEqual([
      'hidden[0].relation "techniques" is not a link of a technique: a technique links treats, causes, providerTypes, benefits',
    ]);
  });

  it('refuses the same entry twice and an entry without a slug', () => {
    const hidden = hiddenEntries([{ relation: 'treats', slug: 'migraine' }, { relation: 'treats', slug: 'migraine' }, { relation: 'treats' }]);
    expect(messages(hiddenIssues({ target, hidden, linked }))).toEqual([
      'hidden[1] hides treats "migraine" a second time',
      'hidden[2].slug must be set: the slug of the linked entry to hide',
    ]);
  });
});

describe('the basis of an adaptation', () => {
  it('takes each override against the first locale of the chain where the published base has a value', () => {
    const base = new Map<string, Record<string, unknown>>([
      ['en', { summary: 'Base summary.', intro: paragraph('Base intro.') }],
      ['fr', { summary: 'Résumé.', intro: null }],
    ]);
    const basis = basisOf({ overrides: { summary: 'À nous.', intro: paragraph('Notre intro.'), seo: null }, chain: ['fr-CA', 'fr', 'en'], base });
    expect(basis).toEqual({
      summary: { locale: 'fr', ...fingerprint('Résumé.') },
      intro: { locale: 'en', hash: expect.stringMatching(/^[0-9a-f]{64}$/), text: 'Base intro.' },
    });
  });

  it('records nothing for an override whose base has no value along the chain', () => {
    expect(basisOf({ overrides: { seo: { metaTitle: 'Ours' } }, chain: ['en'], base: new Map([['en', { seo: null }]]) })).toEqual({});
  });

  it('fingerprints a value the same however its keys are ordered and whatever its row ids', () => {
    expect(canonicalJson({ id: 3, text: 'Call', url: '/book' })).toBe(canonicalJson({ url: '/book', text: 'Call', id: 9 }));
    expect(fingerprint({ id: 3, text: 'Call' }).hash).toBe(fingerprint({ text: 'Call', id: 4 }).hash);
    expect(fingerprint('a').hash).not.toBe(fingerprint('b').hash);
  });

  it('shows the base as plain text: rich text flattened, a component as its fields', () => {
    expect(plainText(paragraph('Gentle pressure.'))).toBe('Gentle pressure.');
    expect(plainText({ id: 1, text: 'Contact {{clinic.name}}', buttonLabel: '', url: '/contact' })).toBe('text: Contact {{clinic.name}}\nurl: /contact');
  });
});
