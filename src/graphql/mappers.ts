/**
 * The parents GraphQL resolvers receive (codegen `mappers`): domain entries plus the content scope they
 * were read in, so nested relations load in the same locale chain and through the same DataLoaders.
 */
import type { ContentScope } from '../content/scope';
import type {
  BenefitEntry,
  CauseEntry,
  ClinicEntry,
  ConditionEntry,
  FaqData,
  MedicalReviewData,
  ProviderTypeEntry,
  TechniqueEntry,
} from '../content/types';

export type Served<T> = T & { scope: ContentScope };

export type TechniqueParent = Served<TechniqueEntry>;
export type ConditionParent = Served<ConditionEntry>;
export type CauseParent = Served<CauseEntry>;
export type ProviderTypeParent = Served<ProviderTypeEntry>;
export type BenefitParent = Served<BenefitEntry>;
export type ClinicParent = Served<ClinicEntry>;
export type FaqParent = FaqData;

export interface ListParent {
  documentIds: string[];
  total: number;
  page: number;
  pageSize: number;
  scope: ContentScope;
}

/** A technique's or condition's review as stored: null only on a draft not yet reviewed (previews). */
export interface MedicalReviewParent {
  review: MedicalReviewData | null;
}

export interface TherapyPageParent {
  technique: TechniqueParent;
  clinic: ClinicParent;
}

export function serve<T extends object>(entry: T, scope: ContentScope): Served<T> {
  // Object.assign rather than a spread: V8 copies a loaded entry several times faster so.
  return Object.assign({}, entry, { scope });
}
