/**
 * How a clinic's adaptation is applied to an entry read along a locale chain (src/content/adaptation.ts):
 * the per-field locale rule, adaptedFields beside fallbackFields, the clinic's own FAQ items and local
 * section, hidden entries. The same rows a real read gets, without Strapi.
 */
import { applyAdaptation } from '../../src/content/adaptation';
import { mergeAlongChain } from '../../src/content/served';
import { MODELS } from '../../src/content/model';

const CHAIN = ['fr-CA', 'fr', 'en'];
const TECHNIQUE = MODELS['api::technique.technique'];
const CONDITION = MODELS['api::condition.condition'];
const text = (value: string) => [{ type: 'paragraph', children: [{ type: 'text', text: value }] }];

type Row = Record<string, unknown>;

function adapt(model: typeof TECHNIQUE | typeof CONDITION, rows: Row[], adaptationRows: Row[]): Row {
  const merged = mergeAlongChain(rows, CHAIN, model.relations);
  if (merged === null) throw new Error('no rows');
  return applyAdaptation({ model, data: merged.data, rows, adaptationRows, chain: CHAIN });
}

const base = (locale: string, fields: Row): Row => ({
  documentId: 't1', slug: 'mrt', locale, updatedAt: '2026-11-01T00:00:00.000Z', name: null, summary: null, intro: null, faqs: [], treats: [], ...fields,
});
const adaptation = (locale: string, fields: Row): Row => ({ documentId: 'a1', locale, clinic: 'harbour-chiro', technique: 'mrt', hidden: [], ...fields });

describe('the locale rule of an adapted field', () => {
  it('serves the vetted fr-CA text over the clinic\'s fr adaptation: fr-CA comes first in the chain', () => {
    const entry = adapt(TECHNIQUE, [base('fr-CA', { summary: 'Résumé vérifié (fr-CA).' }), base('fr', { summary: 'Résumé vérifié (fr).', name: 'TRM' })], [adaptation('fr', { summary: 'Notre résumé (fr).' })]);
    expect(entry.summary).toBe('Résumé vérifié (fr-CA).');
    expect(entry.adaptedFields).toEqual([]);
  });

  it('serves the clinic\'s fr-CA adaptation over the vetted fr text, listed in adaptedFields and not in fallbackFields', () => {
    const entry = adapt(TECHNIQUE, [base('fr-CA', { name: 'TRM' }), base('fr', { summary: 'Résumé vérifié (fr).' })], [adaptation('fr-CA', { summary: 'Notre résumé (fr-CA).' })]);
    expect(entry.summary).toBe('Notre résumé (fr-CA).');
    expect(entry.adaptedFields).toEqual([{ field: 'summary', locale: 'fr-CA' }]);
    expect((entry.fallbackFields as Row[]).map((item) => item.field)).not.toContain('summary');
  });

  it('lets the adaptation win where both have a value in the same locale, and leaves vetted fields alone', () => {
    const entry = adapt(TECHNIQUE, [base('fr', { summary: 'Vérifié.', goal: 'Objectif vérifié.' })], [adaptation('fr', { summary: 'Le nôtre.', goal: 'ignored' })]);
    expect(entry.summary).toBe('Le nôtre.');
    expect(entry.goal).toBe('Objectif vérifié.');
  });

  it('treats an empty adapted value as none (the vetted one is served)', () => {
    const entry = adapt(TECHNIQUE, [base('en', { intro: text('Vetted intro.') })], [adaptation('en', { intro: text('  ') })]);
    expect(entry.intro).toEqual(text('Vetted intro.'));
    expect(entry.adaptedFields).toEqual([]);
  });
});

describe('the clinic\'s own content', () => {
  it('adds its FAQ items after the vetted ones, each saying who wrote it, and its local section', () => {
    const vetted = { question: 'What is MRT?', answer: text('A technique.') };
    const own = { question: 'Do you bill my insurance directly?', answer: text('Yes.') };
    const entry = adapt(TECHNIQUE, [base('en', { faqs: [vetted] })], [adaptation('en', { faqs: [own], localSection: text('At our clinic…') })]);
    expect(entry.faqs).toEqual([{ ...vetted, source: 'vetted' }, { ...own, source: 'clinic' }]);
    expect(entry.localSection).toEqual(text('At our clinic…'));
    expect(entry.adaptedFields).toEqual([{ field: 'faqs', locale: 'en' }, { field: 'localSection', locale: 'en' }]);
  });

  it('gives a condition only the clinic\'s FAQ items, and every adaptable entry a null local section when there is none', () => {
    const condition = adapt(CONDITION, [{ documentId: 'c1', slug: 'back-pain', locale: 'en', updatedAt: '2026-11-01T00:00:00.000Z', summary: 'Pain.', causes: [], techniques: [] }], []);
    expect(condition.faqs).toEqual([]);
    expect(condition.localSection).toBeNull();
    expect(condition.adaptedFields).toEqual([]);
  });
});

describe('hidden entries', () => {
  it('leave the relation lists they are hidden from, and only those', () => {
    const hidden = [{ relation: 'treats', slug: 'migraine-headaches', documentId: 'c2' }, { relation: 'benefits', slug: 'gone', documentId: null }];
    const entry = adapt(TECHNIQUE, [base('en', { treats: ['c1', 'c2', 'c3'], causes: ['c2'] })], [adaptation('en', { hidden })]);
    expect(entry.treats).toEqual(['c1', 'c3']);
    expect(entry.causes).toEqual(['c2']);
  });
});
