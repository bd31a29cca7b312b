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
export class CorsSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorsSettingsError';
  }
}

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

export function graphqlCors(env: NodeJS.ProcessEnv = process.env): GraphQLCors {
  const origins = new Set<string>();
  for (const entry of (env.GRAPHQL_CORS_ORIGINS ?? '').split(',').map((value) => value.trim()).filter(Boolean)) {
    let parsed: URL;
    try {
      parsed = new URL(entry);
    } catch {
      throw new CorsSettingsError(`GRAPHQL_CORS_ORIGINS: "${entry}" is not an origin; list origins such as https://staging.clinic.example, separated by commas.`);
    }
    if (entry === '*' || parsed.origin !== entry.replace(/\/$/, '') || !['http:', 'https:'].includes(parsed.protocol)) {
      throw new CorsSettingsError(`GRAPHQL_CORS_ORIGINS: "${entry}" is not an exact http(s) origin (scheme, host and port, no path, no wildcard).`);
    }
    origins.add(parsed.origin);
  }
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
