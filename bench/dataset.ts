/**
 * A realistic, deterministic dataset for the benchmark. At scale 1: 50 techniques, 300 conditions,
 * 100 causes, 20 provider types, 60 benefits, 20 clinics, in 5 locales (English complete, the others
 * partly translated, so fallbacks are exercised); scale 10 has ten times the entries. Written through
 * the Document Service, in transactions, and published.
 */
import type { Core } from '@strapi/strapi';

export const BENCH_LOCALES = ['en', 'fr', 'de', 'es', 'it'] as const;
/** Share of entries translated into each locale. */
const COVERAGE: Record<string, number> = { en: 1, fr: 0.8, de: 0.5, es: 0.5, it: 0.3 };

export interface DatasetCounts {
  techniques: number;
  conditions: number;
  causes: number;
  providerTypes: number;
  benefits: number;
  clinics: number;
}

export function countsFor(scale: number): DatasetCounts {
  return { techniques: 50 * scale, conditions: 300 * scale, causes: 100 * scale, providerTypes: 20 * scale, benefits: 60 * scale, clinics: 20 * scale };
}

/** mulberry32: a small seeded PRNG, so every run builds the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'fascia muscle tissue release pressure motion stiffness relief mobility trigger point therapy gentle posture joint tension recovery balance strength flexibility circulation spine shoulder neck back hip knee'.split(' ');

interface Documents {
  create(params: object): Promise<{ documentId: string }>;
  update(params: object): Promise<unknown>;
  publish(params: object): Promise<unknown>;
}

export async function buildDataset(input: { strapi: Core.Strapi; scale: number; onProgress?: (message: string) => void }): Promise<DatasetCounts> {
  const { strapi, scale, onProgress = () => undefined } = input;
  const rand = random(20261125 + scale);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)] as T;
  const sentence = (words: number) => {
    const text = Array.from({ length: words }, () => pick(WORDS)).join(' ');
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  };
  const paragraph = (sentences: number) => Array.from({ length: sentences }, () => sentence(10 + Math.floor(rand() * 8))).join(' ');
  const blocks = (paragraphs: number) =>
    Array.from({ length: paragraphs }, () => ({ type: 'paragraph', children: [{ type: 'text', text: paragraph(3) }] }));
  const sample = <T>(items: readonly T[], count: number): T[] => {
    const copy = [...items];
    const result: T[] = [];
    while (result.length < count && copy.length > 0) result.push(copy.splice(Math.floor(rand() * copy.length), 1)[0] as T);
    return result;
  };

  const i18n = strapi.plugin('i18n').service('locales') as unknown as { find(): Promise<Array<{ code: string }>>; create(locale: object): Promise<unknown> };
  const existing = new Set((await i18n.find()).map((locale) => locale.code));
  for (const code of BENCH_LOCALES) if (!existing.has(code)) await i18n.create({ code, name: code });

  const counts = countsFor(scale);
  /** documentId per type, in creation order, and which locales each entry has. */
  const created = new Map<string, Array<{ documentId: string; locales: string[] }>>();

  async function createAll(uid: string, count: number, data: (index: number, locale: string) => Record<string, unknown>, relations: (index: number) => Record<string, Array<{ documentId: string; locales: string[] }>>): Promise<void> {
    const documents = strapi.documents(uid as never) as unknown as Documents;
    const list: Array<{ documentId: string; locales: string[] }> = [];
    const batch = 200;
    for (let start = 0; start < count; start += batch) {
      await strapi.db.transaction(async () => {
        for (let index = start; index < Math.min(count, start + batch); index += 1) {
          const locales = BENCH_LOCALES.filter((locale) => locale === 'en' || rand() < (COVERAGE[locale] ?? 0));
          const links = relations(index);
          let documentId = '';
          for (const locale of locales) {
            const relationData = Object.fromEntries(
              Object.entries(links).map(([field, targets]) => [
                field,
                { set: targets.filter((target) => target.locales.includes(locale)).map((target) => ({ documentId: target.documentId, locale })) },
              ]),
            );
            const payload = { ...data(index, locale), ...relationData };
            if (documentId === '') documentId = (await documents.create({ locale, data: payload })).documentId;
            else await documents.update({ documentId, locale, data: payload });
            await documents.publish({ documentId, locale });
          }
          list.push({ documentId, locales });
        }
      });
      onProgress(`${uid}: ${Math.min(count, start + batch)}/${count}`);
    }
    created.set(uid, list);
  }

  const base = (kind: string, index: number, locale: string) => ({
    name: `${kind} ${index} (${locale})`,
    slug: `${kind.toLowerCase().replace(/\s+/g, '-')}-${index}`,
    summary: `${sentence(14)} {{clinic.name}} can help.`,
  });

  await createAll('api::cause.cause', counts.causes, (i, l) => ({ ...base('Cause', i, l), description: blocks(2) }), () => ({}));
  await createAll('api::benefit.benefit', counts.benefits, (i, l) => base('Benefit', i, l), () => ({}));
  await createAll('api::provider-type.provider-type', counts.providerTypes, (i, l) => base('Provider type', i, l), () => ({}));
  const causes = created.get('api::cause.cause') ?? [];
  await createAll(
    'api::condition.condition',
    counts.conditions,
    (i, l) => ({
      ...base('Condition', i, l),
      description: blocks(3),
      symptoms: Array.from({ length: 3 }, () => ({ text: sentence(6) })),
      seo: { metaTitle: `Condition ${i} | {{clinic.name}}`, metaDescription: sentence(15).slice(0, 150), noIndex: false },
      medicalReview: { reviewedBy: 'Dr. Bench Reviewer', reviewerCredentials: 'MD', lastReviewed: '2026-09-01', nextReviewDue: '2027-09-01' },
    }),
    () => ({ causes: sample(causes, 2 + Math.floor(rand() * 2)) }),
  );
  const conditions = created.get('api::condition.condition') ?? [];
  const providerTypes = created.get('api::provider-type.provider-type') ?? [];
  const benefits = created.get('api::benefit.benefit') ?? [];
  await createAll(
    'api::technique.technique',
    counts.techniques,
    (i, l) => ({
      ...base('Technique', i, l),
      abbreviation: `T${i}`,
      intro: blocks(2),
      goal: sentence(12),
      howItWorks: blocks(2),
      procedureOverview: sentence(10),
      procedure: Array.from({ length: 3 }, (_, step) => ({ title: `Step ${step + 1}`, description: sentence(14) })),
      assessments: Array.from({ length: 4 }, () => ({ text: sentence(4) })),
      progressMeasures: Array.from({ length: 2 }, () => ({ text: sentence(4) })),
      treatmentCourse: sentence(12),
      providerNote: sentence(12),
      faqs: Array.from({ length: 4 }, () => ({ question: `${sentence(6).slice(0, -1)}?`, answer: blocks(1) })),
      callToAction: { text: 'Contact {{clinic.name}} for more information.', buttonLabel: 'Book a session', url: '{{clinic.bookingUrl}}' },
      seo: { metaTitle: `Technique ${i} | {{clinic.name}}`, metaDescription: sentence(15).slice(0, 150), noIndex: false },
      medicalReview: { reviewedBy: 'Dr. Bench Reviewer', reviewerCredentials: 'MD', lastReviewed: '2026-09-01', nextReviewDue: '2027-09-01' },
    }),
    () => ({
      treats: sample(conditions, 6 + Math.floor(rand() * 7)),
      causes: sample(causes, 3),
      providerTypes: sample(providerTypes, 3 + Math.floor(rand() * 3)),
      benefits: sample(benefits, 3),
    }),
  );
  const techniques = created.get('api::technique.technique') ?? [];
  await createAll(
    'api::clinic.clinic',
    counts.clinics,
    (i, l) => ({
      name: `Clinic ${i}`,
      slug: `clinic-${i}`,
      description: sentence(12),
      phone: `+1 604 555 ${String(1000 + (i % 9000)).padStart(4, '0')}`,
      email: `front-desk@clinic-${i}.example`,
      website: `https://clinic-${i}.example`,
      bookingUrl: `https://clinic-${i}.example/book`,
      address: { street: `${i} Main Street`, city: 'Vancouver', region: 'BC', postalCode: 'V6B 1A1', country: 'CA' },
      locales: [...BENCH_LOCALES],
      ...(l === 'en' ? {} : { description: `${sentence(12)} (${l})` }),
    }),
    () => ({ offeredTechniques: sample(techniques, 10 + Math.floor(rand() * 10)), providerTypes: sample(providerTypes, 4) }),
  );
  return counts;
}
