/** Techniques, conditions, causes, provider types and benefits: by slug, in lists, and their relations. */
import { MODELS, UIDS, type ContentUid } from '../../content/model';
import { then, type ContentScope, type ListRequest, type MaybePromise } from '../../content/scope';
import type { AnyEntry } from '../../content/served';
import { reviewerTypeOf, type EntryByUid, type ListItem, type MedicalReviewData } from '../../content/types';
import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import { renderBlocks } from '../../rich-text/blocks';
import { clientError } from '../errors';
import type { GraphQLContext } from '../context';
import { serve, type ListParent, type MedicalReviewParent, type Served } from '../mappers';
import { selectionOf } from './selection';
import type { PageInput, Resolvers, SortInput } from '../../../types/graphql/resolvers';

/** An optional argument as resolvers receive it. */
type Maybe<T> = T | null | undefined;

type Blocks = unknown[] | null;

export function richText(blocks: Blocks) {
  return blocks === null || blocks.length === 0 ? null : renderBlocks(blocks);
}

const texts = (items: ListItem[]) => items.map((item) => item.text);

/**
 * Never null (see MedicalReview in the SDL): publishing guarantees a review along the locale chain, and
 * a preview of a draft not yet reviewed gets status MISSING instead of a null that would take the page.
 */
const medicalReview = (parent: { medicalReview: MedicalReviewData | null }): MedicalReviewParent => ({ review: parent.medicalReview });

/**
 * Loads what the selection reads through the entries' relations, level by level (each level one
 * batch with its siblings'), so that the fields below resolve from what the scope holds, without a
 * promise each. At once when the scope holds it all.
 */
export function preload(scope: ContentScope, uid: ContentUid, entries: readonly AnyEntry[], nodes: readonly FieldNode[], fragments: GraphQLResolveInfo['fragments']): MaybePromise<void> {
  let pending: Array<Promise<void>> | null = null;
  for (const [field, fieldNodes] of selectionOf(nodes, fragments, uid).relations) {
    const target = MODELS[uid].relations[field] as ContentUid;
    const ids = new Set<string>();
    for (const entry of entries) for (const id of (entry as unknown as Record<string, string[]>)[field] ?? []) ids.add(id);
    const { shape } = selectionOf(fieldNodes, fragments, target);
    const next = then(scope.entries(target, [...ids], shape as 'listing') as unknown as MaybePromise<AnyEntry[]>, (loaded) => preload(scope, target, loaded, fieldNodes, fragments));
    if (next instanceof Promise) (pending ??= []).push(next);
  }
  return pending === null ? undefined : Promise.all(pending).then(() => undefined);
}

/**
 * Related entries as GraphQL parents, in the shape their selection needs (selection.ts), with what
 * their own selection reads through their relations (preload). A listing stands in for the entry's
 * parent type, which it is for every field the selection reads.
 */
function related<U extends ContentUid>(scope: ContentScope, uid: U, documentIds: string[], info: GraphQLResolveInfo): MaybePromise<Array<Served<EntryByUid[U]>>> {
  const { shape } = selectionOf(info.fieldNodes, info.fragments, uid);
  const served = (entries: AnyEntry[]) => entries.map((entry) => serve(entry as EntryByUid[U], scope));
  return then(scope.entries(uid, documentIds, shape as 'listing') as unknown as MaybePromise<AnyEntry[]>, (entries) => {
    const loaded = preload(scope, uid, entries, info.fieldNodes, info.fragments);
    return loaded instanceof Promise ? loaded.then(() => served(entries)) : served(entries);
  });
}

async function bySlug<U extends ContentUid>(context: GraphQLContext, uid: U, slug: string, locale: Maybe<string>, info: GraphQLResolveInfo) {
  const scope = await context.scope(locale);
  const entry = await scope.bySlug(uid, slug);
  if (entry === null) {
    // Whether it does not exist or is only a draft, a live key learns the same thing.
    throw clientError('NOT_FOUND', `There is no ${MODELS[uid].name.replace('-', ' ')} "${slug}" to serve in ${scope.locale}.`);
  }
  await preload(scope, uid, [entry], info.fieldNodes, info.fragments);
  return serve(entry, scope);
}

/** The documentIds a slug filter allows: the other side's relation, or nothing when the slug is unknown. */
async function allowedBy<U extends ContentUid>(
  scope: ContentScope,
  uid: U,
  slug: Maybe<string>,
  field: keyof EntryByUid[U],
): Promise<Set<string> | null> {
  if (slug === null || slug === undefined) return null;
  const entry = await scope.bySlug(uid, slug);
  return new Set(entry === null ? [] : scope.links(uid, entry, field as never));
}

function intersect(sets: Array<Set<string> | null>): Set<string> | null {
  const present = sets.filter((set): set is Set<string> => set !== null);
  if (present.length === 0) return null;
  const [first, ...rest] = present as [Set<string>, ...Set<string>[]];
  return new Set([...first].filter((id) => rest.every((set) => set.has(id))));
}

async function list(input: {
  context: GraphQLContext;
  uid: ContentUid;
  locale: Maybe<string>;
  search: Maybe<string>;
  sort: Maybe<SortInput>;
  page: Maybe<PageInput>;
  filters: (scope: ContentScope) => Promise<{ only: Array<Set<string> | null>; except?: Set<string> | null }>;
}): Promise<ListParent> {
  const scope = await input.context.scope(input.locale);
  const { only, except = null } = await input.filters(scope);
  const request: ListRequest = {
    only: intersect(only),
    except,
    search: input.search ?? null,
    sort: { field: input.sort?.field ?? 'NAME', direction: input.sort?.direction ?? 'ASC' },
    page: input.page?.page ?? 1,
    pageSize: input.page?.pageSize ?? 20,
  };
  const result = await scope.list(input.uid, request);
  return { ...result, page: request.page, pageSize: request.pageSize, scope };
}

const pageInfo = (parent: ListParent) => ({
  page: parent.page,
  pageSize: parent.pageSize,
  total: parent.total,
  pageCount: Math.ceil(parent.total / parent.pageSize),
});

const listOf = <U extends ContentUid>(uid: U) => ({
  items: (parent: ListParent, _: unknown, _context: unknown, info: GraphQLResolveInfo) => related(parent.scope, uid, parent.documentIds, info),
  pageInfo,
});

const { technique: TECHNIQUE, condition: CONDITION, cause: CAUSE, providerType: PROVIDER_TYPE, benefit: BENEFIT } = UIDS;

export const contentResolvers: Resolvers = {
  Query: {
    technique: (_, { slug, locale }, context, info) => bySlug(context, TECHNIQUE, slug, locale, info),
    condition: (_, { slug, locale }, context, info) => bySlug(context, CONDITION, slug, locale, info),
    cause: (_, { slug, locale }, context, info) => bySlug(context, CAUSE, slug, locale, info),
    providerType: (_, { slug, locale }, context, info) => bySlug(context, PROVIDER_TYPE, slug, locale, info),
    benefit: (_, { slug, locale }, context, info) => bySlug(context, BENEFIT, slug, locale, info),

    techniques: (_, { filter, search, sort, page, locale }, context) =>
      list({
        context, uid: TECHNIQUE, locale, search, sort, page,
        filters: async (scope) => {
          const offered = new Set(context.clinic.offeredTechniques);
          return {
            only: [
              await allowedBy(scope, CONDITION, filter?.treats, 'techniques'),
              await allowedBy(scope, CAUSE, filter?.cause, 'techniques'),
              await allowedBy(scope, PROVIDER_TYPE, filter?.providerType, 'techniques'),
              await allowedBy(scope, BENEFIT, filter?.benefit, 'techniques'),
              filter?.offeredByClinic === true ? offered : null,
            ],
            except: filter?.offeredByClinic === false ? offered : null,
          };
        },
      }),
    conditions: (_, { filter, search, sort, page, locale }, context) =>
      list({
        context, uid: CONDITION, locale, search, sort, page,
        filters: async (scope) => ({
          only: [
            await allowedBy(scope, TECHNIQUE, filter?.treatedBy, 'treats'),
            await allowedBy(scope, CAUSE, filter?.cause, 'conditions'),
          ],
        }),
      }),
    causes: (_, { filter, search, sort, page, locale }, context) =>
      list({
        context, uid: CAUSE, locale, search, sort, page,
        filters: async (scope) => ({
          only: [
            await allowedBy(scope, CONDITION, filter?.condition, 'causes'),
            await allowedBy(scope, TECHNIQUE, filter?.technique, 'causes'),
          ],
        }),
      }),
    providerTypes: (_, { filter, search, sort, page, locale }, context) =>
      list({
        context, uid: PROVIDER_TYPE, locale, search, sort, page,
        filters: async (scope) => ({ only: [await allowedBy(scope, TECHNIQUE, filter?.technique, 'providerTypes')] }),
      }),
    benefits: (_, { filter, search, sort, page, locale }, context) =>
      list({
        context, uid: BENEFIT, locale, search, sort, page,
        filters: async (scope) => ({ only: [await allowedBy(scope, TECHNIQUE, filter?.technique, 'benefits')] }),
      }),
  },

  TechniqueList: listOf(TECHNIQUE),
  ConditionList: listOf(CONDITION),
  CauseList: listOf(CAUSE),
  ProviderTypeList: listOf(PROVIDER_TYPE),
  BenefitList: listOf(BENEFIT),

  Technique: {
    intro: (parent) => renderBlocks(parent.intro),
    howItWorks: (parent) => richText(parent.howItWorks),
    assessments: (parent) => texts(parent.assessments),
    progressMeasures: (parent) => texts(parent.progressMeasures),
    treats: (parent, _, _context, info) => related(parent.scope, CONDITION, parent.scope.links(TECHNIQUE, parent, 'treats'), info),
    causes: (parent, _, _context, info) => related(parent.scope, CAUSE, parent.scope.links(TECHNIQUE, parent, 'causes'), info),
    providerTypes: (parent, _, _context, info) => related(parent.scope, PROVIDER_TYPE, parent.scope.links(TECHNIQUE, parent, 'providerTypes'), info),
    benefits: (parent, _, _context, info) => related(parent.scope, BENEFIT, parent.scope.links(TECHNIQUE, parent, 'benefits'), info),
    localSection: (parent) => richText(parent.localSection),
    offeredByClinic: (parent, _, context) => context.clinic.offeredTechniques.includes(parent.documentId),
    medicalReview,
  },
  Condition: {
    description: (parent) => richText(parent.description),
    symptoms: (parent) => texts(parent.symptoms),
    causes: (parent, _, _context, info) => related(parent.scope, CAUSE, parent.scope.links(CONDITION, parent, 'causes'), info),
    techniques: (parent, _, _context, info) => related(parent.scope, TECHNIQUE, parent.scope.links(CONDITION, parent, 'techniques'), info),
    localSection: (parent) => richText(parent.localSection),
    medicalReview,
  },
  MedicalReview: {
    status: ({ review }) => (review === null ? 'MISSING' : 'REVIEWED'),
    reviewedBy: ({ review }) => review?.reviewedBy ?? null,
    reviewerType: ({ review }) => (review === null ? null : reviewerTypeOf(review) === 'organization' ? 'ORGANIZATION' : 'PERSON'),
    reviewerCredentials: ({ review }) => review?.reviewerCredentials ?? null,
    lastReviewed: ({ review }) => review?.lastReviewed ?? null,
    nextReviewDue: ({ review }) => review?.nextReviewDue ?? null,
  },
  Cause: {
    description: (parent) => richText(parent.description),
    conditions: (parent, _, _context, info) => related(parent.scope, CONDITION, parent.scope.links(CAUSE, parent, 'conditions'), info),
    techniques: (parent, _, _context, info) => related(parent.scope, TECHNIQUE, parent.scope.links(CAUSE, parent, 'techniques'), info),
  },
  ProviderType: {
    techniques: (parent, _, _context, info) => related(parent.scope, TECHNIQUE, parent.scope.links(PROVIDER_TYPE, parent, 'techniques'), info),
  },
  Benefit: {
    techniques: (parent, _, _context, info) => related(parent.scope, TECHNIQUE, parent.scope.links(BENEFIT, parent, 'techniques'), info),
  },
  Faq: {
    answer: (parent) => renderBlocks(parent.answer),
    source: (parent) => (parent.source === 'clinic' ? 'CLINIC' : 'VETTED'),
  },
};
