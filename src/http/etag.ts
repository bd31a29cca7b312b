/** Entity tags: one way to make them and one way to answer If-None-Match, for every cached answer. */
import { createHash } from 'crypto';

/** A strong ETag for a body: the first 27 characters of its sha256 in base64url (160 bits). */
export function etagOf(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** Whether an If-None-Match header names this ETag (weakly: `W/` prefixes match), or is `*`. */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined || ifNoneMatch === '') return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

/** The parts of Koa's context a revalidated answer sets. */
interface RevalidatedContext {
  get(name: string): string;
  set(name: string, value: string): void;
  status: number;
  type: string;
  body: unknown;
}

/**
 * A public answer that changes whenever an editor publishes (reference pages, sitemaps): caches must
 * ask again (`no-cache`), cheaply: 304 when the client's ETag is current.
 */
export function sendRevalidated(ctx: RevalidatedContext, input: { body: string; type: string }): void {
  const etag = etagOf(input.body);
  ctx.set('Cache-Control', 'no-cache');
  ctx.set('ETag', etag);
  if (matchesEtag(ctx.get('if-none-match'), etag)) {
    ctx.status = 304;
    ctx.body = null;
    return;
  }
  ctx.status = 200;
  ctx.type = input.type;
  ctx.body = input.body;
}
