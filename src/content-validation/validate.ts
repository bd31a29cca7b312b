import { describeUnknownTokens, stringsIn, unknownTokens } from '../clinics/tokens';
import { ADAPTATION, UIDS, type FieldMeta } from '../content/model';
import {
  countryRule,
  editorEmailsRule,
  emailRule,
  httpUrlRule,
  linkRule,
  localesRule,
  phoneRule,
  reviewDatesRule,
  secretForUrlRule,
  signingSecretRule,
  slugRule,
  type RuleResult,
} from './rules';

export interface ContentIssue {
  path: Array<string | number>;
  message: string;
}

export interface ValidationContext {
  /** Locale codes configured in the i18n plugin. */
  knownLocales: readonly string[];
}

/** A field of a content type or component (content/model's metadata), or undefined when it has none. */
export type FieldOf = (uid: string, field: string) => Pick<FieldMeta, 'type' | 'component'> | undefined;

type FieldRule = (field: string, value: unknown, context: ValidationContext) => RuleResult;
/** A rule across the fields of one record; `field` names the field its issue belongs to (else the record). */
interface RecordRule {
  field?: string;
  check(record: Record<string, unknown>, prefix: string): RuleResult;
}

const slug: FieldRule = (field, value) => slugRule(field, value);

/** Per content type or component: the format each field must have. */
const FIELD_RULES: Record<string, Record<string, FieldRule>> = {
  [UIDS.condition]: { slug },
  [UIDS.cause]: { slug },
  [UIDS.technique]: { slug },
  [UIDS.providerType]: { slug },
  [UIDS.benefit]: { slug },
  [UIDS.clinic]: {
    slug,
    email: (field, value) => emailRule(field, value),
    phone: (field, value) => phoneRule(field, value),
    website: (field, value) => httpUrlRule(field, value),
    bookingUrl: (field, value) => httpUrlRule(field, value),
    revalidationUrl: (field, value) => httpUrlRule(field, value),
    revalidationSecret: (field, value) => signingSecretRule(field, value),
    locales: (field, value, context) => localesRule(field, value, context.knownLocales),
    editors: (field, value) => editorEmailsRule(field, value),
  },
  // The clinic and the target are named by slug (one adaptation per pair across locales).
  [ADAPTATION.uid]: Object.fromEntries([ADAPTATION.clinicField, ...Object.keys(ADAPTATION.targetFields)].map((field) => [field, slug])),
  'adaptation.hidden-entry': { slug },
  'content.call-to-action': { url: (field, value) => linkRule(field, value) },
  'clinic.address': { country: (field, value) => countryRule(field, value) },
};

/** Rules across the fields of one record. */
const RECORD_RULES: Record<string, RecordRule[]> = {
  'medical.review': [
    {
      check: (record, prefix) =>
        reviewDatesRule(`${prefix}nextReviewDue`, record.lastReviewed, record.nextReviewDue),
    },
  ],
  [UIDS.clinic]: [
    {
      field: 'revalidationSecret',
      // Only a write that carries the secret is checked: a partial update setting the URL alone
      // cannot see the stored secret (a missing one is then reported on the delivery instead).
      check: (record, prefix) =>
        'revalidationSecret' in record
          ? secretForUrlRule({ field: `${prefix}revalidationSecret`, urlField: `${prefix}revalidationUrl`, url: record.revalidationUrl, secret: record.revalidationSecret })
          : null,
    },
  ],
};

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: Array<string | number>): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

/**
 * Checks the formats of the fields present in `data` (a create or a partial update) for a content
 * type or component, descending into components. Required-ness is left to Strapi, which enforces it
 * on publish; an empty optional value is fine.
 */
export function validateContent(input: {
  uid: string;
  data: Record<string, unknown>;
  fieldOf: FieldOf;
  context: ValidationContext;
  path?: Array<string | number>;
}): ContentIssue[] {
  const { uid, data, fieldOf, context, path = [] } = input;
  const issues: ContentIssue[] = [];
  const rules = FIELD_RULES[uid] ?? {};

  for (const [name, value] of Object.entries(data)) {
    if (isEmpty(value)) continue;
    const fieldPath = [...path, name];
    const rule = rules[name];
    if (rule) {
      const message = rule(join(fieldPath), value, context);
      if (message !== null) issues.push({ path: fieldPath, message });
    }
    const component = fieldOf(uid, name)?.component ?? null;
    if (component !== null) {
      const items = component.isRepeatable && Array.isArray(value) ? value : [value];
      items.forEach((item, index) => {
        if (!isRecord(item)) return;
        const itemPath = component.isRepeatable ? [...fieldPath, index] : fieldPath;
        issues.push(...validateContent({ uid: component.uid, data: item, fieldOf, context, path: itemPath }));
      });
    }
  }

  // Clinic tokens are checked once, from the top, in every string the write carries.
  if (path.length === 0) {
    for (const [name, value] of Object.entries(data)) {
      if (fieldOf(uid, name)?.type === 'relation') continue;
      // The service records the basis (the base texts an adaptation was written against), whatever a client sends.
      if (uid === ADAPTATION.uid && name === ADAPTATION.basisField) continue;
      for (const [innerPath, text] of stringsIn(value, [name])) {
        const tokens = unknownTokens(text);
        if (tokens.length > 0) {
          const fieldPath = innerPath.filter((part) => typeof part === 'number' || !['children', 'text', 'type', 'url'].includes(part));
          issues.push({ path: [name], message: describeUnknownTokens(join(fieldPath), tokens) });
        }
      }
    }
  }

  for (const rule of RECORD_RULES[uid] ?? []) {
    const prefix = path.length > 0 ? `${join(path)}.` : '';
    const message = rule.check(data, prefix);
    if (message !== null) issues.push({ path: rule.field === undefined ? path : [...path, rule.field], message });
  }
  return issues;
}
