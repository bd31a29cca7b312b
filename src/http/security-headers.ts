/**
 * The security headers Strapi's chain gives an answer (its `strapi::security` middleware, helmet, as
 * config/middlewares.ts configures it), for answers the front door gives without that chain. They are
 * learnt by running that same middleware, once per method, on a response that records what it sets
 * and removes: a change to the middleware's configuration reaches these answers too.
 */
import type { ServerResponse } from 'http';
import type { Core } from '@strapi/strapi';

const SECURITY_MIDDLEWARE = 'strapi::security';

export interface SecurityHeaders {
  /** The headers to set, in the order the middleware set them. */
  set: ReadonlyArray<readonly [string, string | number | readonly string[]]>;
  /** Headers the middleware removes (X-Powered-By). */
  removed: readonly string[];
}

type Middleware = (ctx: object, next: () => Promise<void>) => unknown;

function configuredOptions(strapi: Core.Strapi): unknown {
  const chain = strapi.config.get('middlewares', []) as unknown[];
  for (const item of chain) {
    if (item === SECURITY_MIDDLEWARE) return {};
    if (typeof item === 'object' && item !== null && (item as { name?: unknown }).name === SECURITY_MIDDLEWARE) return (item as { config?: unknown }).config ?? {};
  }
  return null;
}

/** What the middleware does to an answer for `path` requested with `method`; none when it is not in the chain. */
export async function learnSecurityHeaders(strapi: Core.Strapi, method: string, path: string): Promise<SecurityHeaders> {
  const options = configuredOptions(strapi);
  if (options === null) return { set: [], removed: [] };
  const factory = strapi.middleware(SECURITY_MIDDLEWARE) as unknown as ((config: unknown, context: { strapi: Core.Strapi }) => Middleware) | undefined;
  if (factory === undefined) throw new Error(`Strapi has no ${SECURITY_MIDDLEWARE} middleware to learn the security headers from.`);
  const set: Array<[string, string | number | readonly string[]]> = [];
  const removed: string[] = [];
  const headers = new Map<string, string | number | readonly string[]>();
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name.toLowerCase(), value);
      set.push([name, value]);
      return recorder;
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
      removed.push(name);
    },
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    hasHeader: (name: string) => headers.has(name.toLowerCase()),
    locals: {},
  };
  const request = { method, url: path, headers: {} };
  await factory(options, { strapi })({ method, path, url: path, req: request, res: recorder, request: { method, path }, response: {} }, async () => undefined);
  // Only what is still set at the end (a header set and then removed is not sent).
  return { set: set.filter(([name, value]) => headers.get(name.toLowerCase()) === value), removed };
}

/** Applies them to a Node response before anything else sets its headers. */
export function applySecurityHeaders(response: ServerResponse, headers: SecurityHeaders): void {
  for (const name of headers.removed) response.removeHeader(name);
  for (const [name, value] of headers.set) response.setHeader(name, value);
}
