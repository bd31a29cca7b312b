import { describeUnknownTokens, stringsIn, unknownTokens } from '../clinics/tokens';
import { ADAPTATION, UIDS, type FieldMeta, type PageType } from '../content/model';
import { PATH_TEMPLATE_FIELDS, type PathTemplateField } from '../sync/paths';
import {
  countryRule,
  distinctPathTemplatesRule,
  editorEmailsRule,
  emailRule,
  httpUrlRule,
  linkRule,
  localesRule,
  pathTemplateRule,
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
  /**
   * For an update: the stored values of the fields the type's record rules read together
   * (storedFieldsToRead) that the write leaves out, so a change to one is checked against the others.
   */
  stored?: Readonly<Record<string, unknown>>;
}

/** A field of a content type or component (content/model's metadata), or undefined when it has none. */
export type FieldOf = (uid: string, field: string) => Pick<FieldMeta, 'type' | 'component'> | undefined;

type FieldRule = (field: string, value: unknown, context: ValidationContext) => RuleResult;
/** A rule across the fields of one record; `field` names the field its issue belongs to (else the record). */
interface RecordRule {
  field?: string;
  check(record: Record<string, unknown>, prefix: string, context: ValidationContext): RuleResult;
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

/** Per content type, the fields its record rules read together (a partial update is completed from the stored document). */
const READ_TOGETHER: Record<string, readonly string[]> = {
  [UIDS.clinic]: ['locales', ...Object.values(PATH_TEMPLATE_FIELDS)],
};

/** The fields to read from the stored document before checking an update of `uid` that carries `data`. */
export function storedFieldsToRead(uid: string, data: Record<string, unknown>): string[] {
  const fields = READ_TOGETHER[uid] ?? [];
  return fields.some((field) => field in data) ? fields.filter((field) => !(field in data)) : [];
}

/**
 * A clinic's template for one page type: well formed, telling the clinic's locales apart, and never
 * giving the same path as the other type's template. Checked whenever the write changes the template,
 * the other template or the locales; a template left empty is the default.
 */
function pathTemplateRecordRule(type: PageType, field: PathTemplateField): RecordRule {
  const other = type === 'techniques' ? PATH_TEMPLATE_FIELDS.conditions : PATH_TEMPLATE_FIELDS.techniques;
  return {
    field,
    check: (record, prefix, context) => {
      if (!(READ_TOGETHER[UIDS.clinic] ?? []).some((name) => name in record)) return null;
      const valueOf = (name: string): unknown => (name in record ? record[name] : context.stored?.[name]);
      const locales = valueOf('locales');
      const template = valueOf(field);
      if (!isEmpty(template)) {
        const problem = pathTemplateRule({ field: `${prefix}${field}`, value: template, locales });
        if (problem !== null) return problem;
      }
      const otherTemplate = valueOf(other);
      const isOtherValid = isEmpty(otherTemplate) || pathTemplateRule({ field: other, value: otherTemplate, locales }) === null;
      // Two templates that overlap are one issue: named on the template the write changes (the condition's when both).
      const isReporting = field in record && (!(other in record) || type === 'conditions');
      if (!isOtherValid || !isReporting) return null;
      const asTemplate = (value: unknown): string | null => (typeof value === 'string' ? value : null);
      return distinctPathTemplatesRule({ field: `${prefix}${field}`, type, templates: { [field]: asTemplate(template), [other]: asTemplate(otherTemplate) } });
    },
  };
}

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
    ...(Object.entries(PATH_TEMPLATE_FIELDS) as Array<[PageType, PathTemplateField]>).map(([type, field]) => pathTemplateRecordRule(type, field)),
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
    const message = rule.check(data, prefix, context);
    if (message !== null) issues.push({ path: rule.field === undefined ? path : [...path, rule.field], message });
  }
  return issues;
}
