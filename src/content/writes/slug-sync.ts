/**
 * One slug per entry, in every locale. Our schemas mark `slug` non-localized (a page is the same page in
 * every language, /{locale}/techniques/{slug}), but Strapi's i18n treats every `uid` attribute as
 * localized whatever its options say (its content-types service, `isLocalizedAttribute`), so a slug
 * changed in one locale would stay old in the others, and the entry would answer to two slugs. This
 * subscriber of the write pipeline does for the slug what Strapi does for every other non-localized
 * field (its `syncNonLocalizedAttributes`): when a row's slug changes, the entry's other locales in the
 * same state (draft or published) take it too, in the write's transaction.
 *
 * A slug another entry already has in one of those locales is refused (400), as Strapi refuses it in
 * the locale being saved. The rewrites are writes of their own, so the pipeline's other subscribers hear
 * them (purges, webhooks, adaptations following the rename).
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { isServedUid, MODELS, type ContentUid } from '../model';
import type { RowVersion, TransactionSubscriber, WriteChange } from './change';

interface SlugChange {
  uid: ContentUid;
  documentId: string;
  locale: string;
  isPublished: boolean;
  slug: string;
}

/** Rows whose slug the write changed (an updated row, or a row replacing one of the same locale and state). */
function slugChanges(change: WriteChange): SlugChange[] {
  const key = (row: RowVersion) => `${row.documentId}|${row.locale}|${row.isPublished}`;
  const before = new Map(change.rows.before.map((row) => [key(row), row.slug]));
  return change.rows.after.flatMap((row) => {
    if (row.locale === null || row.slug === null || !before.has(key(row)) || before.get(key(row)) === row.slug) return [];
    return [{ uid: row.uid, documentId: row.documentId, locale: row.locale, isPublished: row.isPublished, slug: row.slug }];
  });
}

async function syncSlug(strapi: Core.Strapi, change: SlugChange): Promise<void> {
  const state = { publishedAt: change.isPublished ? { $notNull: true } : { $null: true } };
  const stale = { documentId: change.documentId, locale: { $ne: change.locale }, slug: { $ne: change.slug }, ...state };
  if ((await strapi.db.query(change.uid).count({ where: stale })) === 0) return;
  const taken = (await strapi.db.query(change.uid).findOne({
    where: { documentId: { $ne: change.documentId }, slug: change.slug, ...state },
    select: ['locale'],
  })) as { locale: string } | null;
  if (taken !== null) {
    throw new errors.ValidationError(`slug "${change.slug}" is already used by another ${MODELS[change.uid].name} in ${taken.locale}: an entry has one slug in every locale`, {
      errors: [{ path: ['slug'], message: `slug "${change.slug}" is already used by another ${MODELS[change.uid].name} in ${taken.locale}`, name: 'ValidationError' }],
    });
  }
  await strapi.db.query(change.uid).updateMany({ where: stale, data: { slug: change.slug } });
}

export function slugSyncSubscriber(strapi: Core.Strapi): TransactionSubscriber<true> {
  return {
    name: 'slug sync',
    needsRows: true,
    prepare: (intent) => (isServedUid(intent.uid) && intent.action !== 'create' && intent.action !== 'createMany' && intent.action !== 'delete' && intent.action !== 'deleteMany' ? true : undefined),
    async write(change) {
      for (const slugChange of slugChanges(change)) await syncSlug(strapi, slugChange);
    },
  };
}
