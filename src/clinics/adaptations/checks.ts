/**
 * The rules of rules.ts that need the database: the clinic and the target exist (by slug, in any
 * locale and status: a draft clinic may prepare its adaptations), no other adaptation has the same
 * clinic and target (one per pair across locales: the fields are non-localized, the same in every
 * locale of a document), and each hide names an entry the target links.
 */
import type { Core } from '@strapi/strapi';
import { ADAPTATION, UIDS, type ContentUid } from '../../content/model';
import type { ContentIssue } from '../../content-validation/validate';
import { adaptationClinic, adaptationTarget, hiddenEntries, hiddenIssues, type AdaptationTarget, type HiddenEntry } from './rules';

/** A clinic a caller named (on the command line, in a query) that does not exist: the caller's mistake. */
export class UnknownClinicError extends Error {
  constructor(readonly slugs: readonly string[]) {
    super(`Unknown clinic ${slugs.map((slug) => `"${slug}"`).join(', ')}: no clinic has that slug.`);
    this.name = 'UnknownClinicError';
  }
}

/** Refuses clinic slugs no clinic has (in any locale, draft or published). */
export async function assertClinicsExist(strapi: Core.Strapi, slugs: readonly string[]): Promise<void> {
  if (slugs.length === 0) return;
  const rows = (await strapi.db.query(UIDS.clinic).findMany({ where: { slug: { $in: [...slugs] } }, select: ['slug'] })) as Array<{ slug: string }>;
  const known = new Set(rows.map((row) => row.slug));
  const unknown = slugs.filter((slug) => !known.has(slug));
  if (unknown.length > 0) throw new UnknownClinicError(unknown);
}

async function exists(strapi: Core.Strapi, uid: ContentUid, slug: string): Promise<boolean> {
  return (await strapi.db.query(uid).findOne({ where: { slug }, select: ['id'] })) !== null;
}

/**
 * Another adaptation (not `documentId`) of the same clinic and target, if any. Checked before a write,
 * and again inside its transaction after it wrote (pairs.ts), for one that committed meanwhile.
 */
export async function otherAdaptation(strapi: Core.Strapi, input: { clinic: string; target: Pick<AdaptationTarget, 'field' | 'slug'>; documentId: string | null }): Promise<string | null> {
  const { clinic, target, documentId } = input;
  const where: Record<string, unknown> = { [ADAPTATION.clinicField]: clinic };
  for (const field of Object.keys(ADAPTATION.targetFields)) where[field] = field === target.field ? target.slug : null;
  if (documentId !== null) where.documentId = { $ne: documentId };
  const row = (await strapi.db.query(ADAPTATION.uid).findOne({ where, select: ['documentId'] })) as { documentId?: string } | null;
  return row?.documentId ?? null;
}

/** The refusal of a second adaptation of one clinic and entry. */
export function pairIssue(input: { clinic: string; target: Pick<AdaptationTarget, 'field' | 'slug'>; other: string }): ContentIssue {
  const { clinic, target, other } = input;
  return {
    path: [target.field],
    message: `clinic "${clinic}" already adapts ${target.field} "${target.slug}" (adaptation ${other}): there is one adaptation per clinic and entry; edit that one, or add this locale to it`,
  };
}

/**
 * The slugs the target's rows link, for the relations the hides name: any locale and status (what a
 * write may hide), or only the published rows (what drift compares with: drift.ts).
 */
export async function linkedSlugs(
  strapi: Core.Strapi,
  input: { target: AdaptationTarget; hidden: readonly HiddenEntry[]; isPublishedOnly?: boolean },
): Promise<Map<string, Set<string>>> {
  const { target, hidden, isPublishedOnly = false } = input;
  const relations = [...new Set(hidden.map((entry) => entry.relation))].filter(
    (relation): relation is string => relation !== null && Object.hasOwn(target.model.relations, relation),
  );
  const linked = new Map<string, Set<string>>(relations.map((relation) => [relation, new Set()]));
  if (relations.length === 0) return linked;
  const rows = (await strapi.db.query(target.model.uid).findMany({
    where: isPublishedOnly ? { slug: target.slug, publishedAt: { $notNull: true } } : { slug: target.slug },
    select: ['id'],
    populate: Object.fromEntries(relations.map((relation) => [relation, { select: ['slug'] }])),
  })) as Array<Record<string, unknown>>;
  for (const row of rows) {
    for (const relation of relations) {
      const entries = row[relation];
      if (!Array.isArray(entries)) continue;
      for (const entry of entries as Array<{ slug?: unknown }>) if (typeof entry.slug === 'string') linked.get(relation)?.add(entry.slug);
    }
  }
  return linked;
}

/**
 * The clinic, target and hides of an adaptation as a write leaves it (`record`: its non-localized
 * fields after the write), checked. `documentId`: the adaptation written, null for a new one.
 */
export async function identityIssues(strapi: Core.Strapi, input: { record: Readonly<Record<string, unknown>>; documentId: string | null }): Promise<{ target: AdaptationTarget | null; issues: ContentIssue[] }> {
  const { record, documentId } = input;
  const { clinic, issues: clinicIssues } = adaptationClinic(record);
  const { target, issues: targetIssues } = adaptationTarget(record);
  const issues = [...clinicIssues, ...targetIssues];
  if (clinic !== null && !(await exists(strapi, UIDS.clinic, clinic))) {
    issues.push({ path: [ADAPTATION.clinicField], message: `${ADAPTATION.clinicField} "${clinic}" is not a clinic: no clinic has the slug "${clinic}"` });
  }
  if (target === null) return { target, issues };
  if (!(await exists(strapi, target.model.uid, target.slug))) {
    issues.push({ path: [target.field], message: `${target.field} "${target.slug}" is not a ${target.model.name}: no ${target.model.name} has the slug "${target.slug}"` });
    return { target, issues };
  }
  if (clinic !== null) {
    const other = await otherAdaptation(strapi, { clinic, target, documentId });
    if (other !== null) issues.push(pairIssue({ clinic, target, other }));
  }
  const hidden = hiddenEntries(record[ADAPTATION.hiddenField]);
  if (hidden.length > 0) issues.push(...hiddenIssues({ target, hidden, linked: await linkedSlugs(strapi, { target, hidden }) }));
  return { target, issues };
}
