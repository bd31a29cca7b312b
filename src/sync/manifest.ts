/**
 * The manifest: every page the calling clinic publishes (pages.ts), with its path on the clinic's site
 * in each locale (the clinic's path templates, paths.ts), when it last changed and its medical review
 * dates: what a static site builds from. It carries the feed's position at the moment it was read, so a
 * site reads the change feed on from there and misses nothing (an event read twice does no harm).
 */
import type { Core } from '@strapi/strapi';
import type { PageType } from '../content/model';
import { clinicPagesAt, type ClinicForPages, type ClinicPage, type PageStatus } from './pages';
import { pagePath, pathTemplateOf, type PathTemplateField } from './paths';

export interface ManifestLocale {
  locale: string;
  servedFrom: string;
  path: string;
  /** ISO 8601. */
  dateModified: string;
  lastReviewed: string | null;
  nextReviewDue: string | null;
}

export interface ManifestPage {
  type: PageType;
  slug: string;
  locales: ManifestLocale[];
  /** In the locale asked for; otherwise the latest of its locales. */
  dateModified: string;
  /** In the locale asked for; otherwise the oldest review of its locales. */
  lastReviewed: string | null;
  /** In the locale asked for; otherwise the earliest due of its locales. */
  nextReviewDue: string | null;
}

/** The clinic, with its path templates (empty: the defaults). */
export type ClinicForManifest = ClinicForPages & Partial<Record<PathTemplateField, string | null>>;

const earliest = (values: Array<string | null>): string | null => values.filter((value): value is string => value !== null).sort()[0] ?? null;

function toManifestPage(page: ClinicPage, clinic: ClinicForManifest, locale: string | null): ManifestPage | null {
  const template = pathTemplateOf(clinic, page.type);
  const locales = page.locales.map((served) => ({
    locale: served.locale,
    servedFrom: served.servedFrom,
    path: pagePath(template, { locale: served.locale, slug: page.slug }),
    dateModified: new Date(served.modifiedAt).toISOString(),
    lastReviewed: served.lastReviewed,
    nextReviewDue: served.nextReviewDue,
  }));
  if (locale !== null) {
    const asked = locales.find((entry) => entry.locale === locale);
    if (asked === undefined) return null;
    return { type: page.type, slug: page.slug, locales, dateModified: asked.dateModified, lastReviewed: asked.lastReviewed, nextReviewDue: asked.nextReviewDue };
  }
  return {
    type: page.type,
    slug: page.slug,
    locales,
    dateModified: locales.map((entry) => entry.dateModified).sort().reverse()[0] ?? new Date(0).toISOString(),
    lastReviewed: earliest(locales.map((entry) => entry.lastReviewed)),
    nextReviewDue: earliest(locales.map((entry) => entry.nextReviewDue)),
  };
}

/** Every page of the clinic as of feed position `end`, in the manifest's order (therapy pages, then condition pages, by slug). */
export async function manifestPages(
  strapi: Core.Strapi,
  input: { clinic: ClinicForManifest; status: PageStatus; chainOf: (locale: string) => readonly string[]; locale: string | null; end: number },
): Promise<ManifestPage[]> {
  const { pages } = await clinicPagesAt(strapi, input);
  return pages.flatMap((page) => toManifestPage(page, input.clinic, input.locale) ?? []);
}

/**
 * One page of the manifest: the pages are listed (and counted) whole, but only those on the page are
 * given their paths and dates. `onListed` hears every page (the cache tags of the whole list).
 */
export async function manifestSlice(
  strapi: Core.Strapi,
  input: {
    clinic: ClinicForManifest;
    status: PageStatus;
    chainOf: (locale: string) => readonly string[];
    locale: string | null;
    end: number;
    start: number;
    count: number;
    onListed?: (pages: readonly ClinicPage[]) => void;
  },
): Promise<{ pages: ManifestPage[]; total: number }> {
  const { locale } = input;
  const { pages } = await clinicPagesAt(strapi, input);
  const listed = locale === null ? pages : pages.filter((page) => page.locales.some((served) => served.locale === locale));
  input.onListed?.(listed);
  const slice = listed.slice(input.start, input.start + input.count);
  return { pages: slice.flatMap((page) => toManifestPage(page, input.clinic, locale) ?? []), total: listed.length };
}
