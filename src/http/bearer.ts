/** The bearer token of an Authorization header (RFC 6750): the one parser every route uses. */

/** The WWW-Authenticate header every 401 carries (RFC 6750), whatever the route. */
export const WWW_AUTHENTICATE = 'Bearer realm="clinic-content"';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function bearerToken(authorization: string | undefined): string | null {
  if (authorization === undefined || authorization === '') return null;
  return BEARER.exec(authorization)?.[1] ?? null;
}
