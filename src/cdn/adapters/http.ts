/**
 * One HTTP request of a purge adapter, turned into an answer or a reason, never an exception: the time
 * limit, the caller's abort, network errors, Retry-After, and scrubbing credentials out of every reason
 * (a CDN's error body or a fetch error may repeat a header value, the token included).
 */
import type { PurgeResult } from './contract';

export interface PurgeRequest {
  url: string;
  method: 'POST' | 'PURGE';
  headers: Readonly<Record<string, string>>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Values that must never appear in a reason (tokens). */
  secrets: readonly string[];
}

export type Answer = { isAnswered: true; status: number; headers: Headers; body: string } | { isAnswered: false; error: string };

/** How much of an error body a reason quotes: enough for "Invalid token", not a whole HTML page. */
const EXCERPT = 300;

export function redact(text: string, secrets: readonly string[]): string {
  let clean = text;
  for (const secret of secrets) if (secret !== '') clean = clean.split(secret).join('***');
  return clean;
}

/**
 * What an exception says. Duck-typed, not `instanceof Error`: fetch's errors may come from another realm
 * (a test runner's sandbox, a worker), where instanceof answers false.
 */
interface ErrorLike {
  name: string;
  message: string;
  cause?: unknown;
  code?: unknown;
}

function isErrorLike(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null && typeof (value as ErrorLike).message === 'string' && typeof (value as ErrorLike).name === 'string';
}

function describeError(error: unknown, request: Pick<PurgeRequest, 'timeoutMs' | 'signal'>): string {
  if (request.signal?.aborted === true) return 'aborted';
  if (!isErrorLike(error)) return String(error);
  if (error.name === 'TimeoutError') return `no answer within ${request.timeoutMs} ms`;
  // fetch fails with "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND, a TLS error …).
  const { cause } = error;
  if (isErrorLike(cause)) return typeof cause.code === 'string' && !cause.message.includes(cause.code) ? `${cause.code}: ${cause.message}` : cause.message;
  return error.message;
}

/** Sends the request; the body is read within the same time limit. */
export async function send(request: PurgeRequest): Promise<Answer> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal === undefined ? timeout : AbortSignal.any([request.signal, timeout]);
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      // A redirected purge may land as a GET elsewhere, or carry the token to another host.
      redirect: 'manual',
      signal,
    });
    const body = await response.text();
    return { isAnswered: true, status: response.status, headers: response.headers, body };
  } catch (caught) {
    return { isAnswered: false, error: redact(describeError(caught, { timeoutMs: request.timeoutMs, signal: request.signal }), request.secrets) };
  }
}

/**
 * Retry-After as milliseconds from now: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); null when
 * absent or unreadable.
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | null {
  const value = headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** A short, one-line quote of a body, credentials removed. */
export function excerpt(body: string, secrets: readonly string[]): string {
  const clean = redact(body, secrets).replace(/\s+/g, ' ').trim();
  return clean.length > EXCERPT ? `${clean.slice(0, EXCERPT)}…` : clean;
}

/** The failure an answered request with this status means, quoting `detail` (or the body). */
export function refused(answer: Extract<Answer, { isAnswered: true }>, secrets: readonly string[], detail?: string): Extract<PurgeResult, { ok: false }> {
  const redirect = answer.status >= 300 && answer.status < 400 ? ' (redirects are not followed: set the final URL)' : '';
  // Credentials out first, then shortened: cutting first could leave part of a token behind.
  const quoted = excerpt(detail ?? answer.body, secrets);
  return {
    ok: false,
    status: answer.status,
    error: `HTTP ${answer.status}${redirect}${quoted === '' ? '' : `: ${quoted}`}`,
    retryAfterMs: retryAfterMs(answer.headers),
  };
}
