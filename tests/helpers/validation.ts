/** Assertions on the field-addressed validation errors writes are refused with. */
import { errors } from '@strapi/utils';

/** The ValidationError a write is refused with (fails when it succeeds or fails otherwise). */
export async function rejection(write: () => Promise<unknown>): Promise<errors.ValidationError> {
  const error: unknown = await write().then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof errors.ValidationError)) throw new Error(`expected a ValidationError, got ${String(error)}`);
  return error;
}

/** The field paths an error names, e.g. "medicalReview.nextReviewDue". */
export function paths(error: errors.ValidationError): string[] {
  const details = error.details as { errors?: Array<{ path: string[] }> };
  return (details.errors ?? []).map((item) => item.path.join('.'));
}
