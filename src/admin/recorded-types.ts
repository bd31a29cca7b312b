/**
 * The types the service keeps governance records of (src/governance: history, schedules): every
 * served type and clinic adaptations, checked by the compiler. The History and Schedule panels and
 * the list's Scheduled column appear on these only.
 */
import type { AdaptationUid, ContentUid } from '../content/model/registry';

const RECORDED: Readonly<Record<ContentUid | AdaptationUid, true>> = {
  'api::technique.technique': true,
  'api::condition.condition': true,
  'api::cause.cause': true,
  'api::provider-type.provider-type': true,
  'api::benefit.benefit': true,
  'api::clinic.clinic': true,
  'api::clinic-adaptation.clinic-adaptation': true,
};

export const isRecorded = (model: string): boolean => Object.hasOwn(RECORDED, model);

/** What the content manager hands an edit-view side panel (its `PanelComponentProps`, the part used here). */
export interface SidePanelProps {
  model: string;
  documentId?: string;
  document?: { locale?: string | null };
}

/** The message of an admin route's refusal (`{ error: { code, message } }`), or `fallback`. */
export function refusalMessage(error: unknown, fallback: string): string {
  const body = (error as { response?: { data?: { error?: { message?: string } } } }).response?.data;
  return body?.error?.message ?? fallback;
}
