/**
 * Who is calling /graphql: the bearer key is read and checked once per request, by the pipeline's
 * first step (or by the early path), and the result travels with the request — the rate limiter, the
 * cache identity and the GraphQL context all use it; nothing after this step reads the header again.
 */
import type { ClinicDirectory, KeyCheck } from '../clinics/directory';
import type { AuthenticatedKey } from '../clinics/keys';
import { bearerToken } from '../http/bearer';

export type Identification =
  /** No Authorization header, or not a bearer token. */
  | { kind: 'missing' }
  | { kind: 'checked'; check: KeyCheck }
  /** The directory could not be read (the database is away): the context answers 503. */
  | { kind: 'failed'; error: unknown };

export async function identifyCaller(directory: Pick<ClinicDirectory, 'check'>, authorization: string | undefined): Promise<Identification> {
  const presented = bearerToken(authorization);
  if (presented === null) return { kind: 'missing' };
  try {
    return { kind: 'checked', check: await directory.check(presented) };
  } catch (error) {
    return { kind: 'failed', error };
  }
}

/**
 * The same without waiting, for the early path: undefined when the directory must be read first (the
 * early path then waits, or leaves the request to the pipeline).
 */
export function identifyCallerNow(directory: Pick<ClinicDirectory, 'checkNow'>, authorization: string | undefined): Identification | undefined {
  const presented = bearerToken(authorization);
  if (presented === null) return { kind: 'missing' };
  const check = directory.checkNow(presented);
  return check === undefined ? undefined : { kind: 'checked', check };
}

/** The caller an identification names, or null (no key, an unknown, revoked or expired one, or no answer). */
export function callerOf(identification: Identification): AuthenticatedKey | null {
  return identification.kind === 'checked' && identification.check.status === 'active' ? identification.check.caller : null;
}
