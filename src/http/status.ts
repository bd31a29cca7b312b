/**
 * The HTTP status of each stable error code, wherever a code decides the status: GraphQL refusals
 * made before execution, GraphQL errors whose status does not depend on Accept, admin routes and the
 * reference pages. One table, so that a code means the same status on every route.
 */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  BAD_USER_INPUT: 400,
  MALFORMED_REQUEST: 400,
  MALFORMED_JSON: 400,
  PERSISTED_QUERY_HASH_MISMATCH: 400,
  BATCH_NOT_SUPPORTED: 400,
  UNAUTHENTICATED: 401,
  PREVIEW_LINK_INVALID: 401,
  PREVIEW_LINK_EXPIRED: 401,
  FORBIDDEN: 403,
  ORIGIN_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  CLINIC_HAS_NO_WEBSITE: 404,
  SCHEDULE_CLOSED: 409,
  CURSOR_EXPIRED: 410,
  REQUEST_TIMEOUT: 408,
  BODY_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
};

/** The status for a code; `fallback` for codes that do not decide one. */
export function statusOfCode(code: string, fallback = 500): number {
  return STATUS_BY_CODE[code] ?? fallback;
}
