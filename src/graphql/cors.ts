/**
 * The CORS policy of /graphql (the admin, /content-manager, /editor and /sites keep Strapi's own).
 *
 * Clinic keys are server-side secrets: a site's server, build or CDN sends them, never a browser. So
 * by default no browser origin may call /graphql: a request carrying an Origin header that is not
 * listed in GRAPHQL_CORS_ORIGINS is refused with 403 ORIGIN_NOT_ALLOWED (a clear answer in the
 * browser's network panel rather than an opaque CORS failure), and no answer carries CORS headers.
 * An operator may list exact origins (e.g. a staging front end behind its own login); those get
 * `Access-Control-Allow-Origin: <origin>` — never `*`, never credentials — with `Vary: Origin`, and
 * preflights for the methods and headers a read-only GraphQL API needs.
 */
import { settings, type Settings } from '../settings';

export interface GraphQLCors {
  /** Answers differ by Origin (some origins are allowed): `Vary: Origin` is needed. */
  isOriginDependent: boolean;
  isAllowed(origin: string): boolean;
  /** Headers for an allowed origin's actual request. */
  responseHeaders(origin: string): Record<string, string>;
  /** Headers for an allowed origin's preflight. */
  preflightHeaders(origin: string): Record<string, string>;
}

const METHODS = 'GET, POST, OPTIONS';
const REQUEST_HEADERS = 'Authorization, Content-Type, Accept, If-None-Match, Apollo-Require-Preflight, X-Apollo-Operation-Name, X-Request-Id';
const EXPOSED_HEADERS = 'ETag, X-Request-Id, X-Cache, Cache-Tag, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining';

/** The policy for GRAPHQL_CORS_ORIGINS (each entry checked as an exact origin by the settings). */
export function graphqlCors(from: Settings = settings()): GraphQLCors {
  const origins = new Set<string>(from.GRAPHQL_CORS_ORIGINS);
  return {
    isOriginDependent: origins.size > 0,
    isAllowed: (origin) => origins.has(origin),
    responseHeaders: (origin) => ({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED_HEADERS }),
    preflightHeaders: (origin) => ({
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Methods': METHODS,
      'Access-Control-Allow-Headers': REQUEST_HEADERS,
      'Access-Control-Max-Age': '600',
      Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    }),
  };
}

export const ORIGIN_NOT_ALLOWED_MESSAGE =
  'Browsers may not call /graphql: clinic keys are server-side secrets. Query the API from your site\'s server or build (or have the operator list this origin in GRAPHQL_CORS_ORIGINS).';
