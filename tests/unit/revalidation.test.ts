import { createHmac } from 'crypto';
import { mergePayload, type RevalidationPayload } from '../../src/revalidation/payload';
import { retryDelayMs, revalidationSettings, RETRY_MAX_MS } from '../../src/revalidation/settings';
import { parseSettings } from '../../src/settings';
import { signatureOf } from '../../src/revalidation/worker';

describe('revalidation settings', () => {
  it('default to a 30 s idle poll, 5 s timeout, 2 s first retry and 6 attempts', () => {
    expect(revalidationSettings(parseSettings({}))).toEqual({ pollMs: 30000, timeoutMs: 5000, retryBaseMs: 2000, retryMaxMs: RETRY_MAX_MS, maxAttempts: 6 });
  });

  it('refuse a malformed value, naming the variable', () => {
    expect(() => revalidationSettings(parseSettings({ REVALIDATION_MAX_ATTEMPTS: 'six' }))).toThrow('REVALIDATION_MAX_ATTEMPTS must be a whole number of at least 1, not "six".');
    expect(() => revalidationSettings(parseSettings({ REVALIDATION_POLL_MS: '0' }))).toThrow('REVALIDATION_POLL_MS must be a whole number of at least 10');
  });
});

describe('retry backoff', () => {
  const settings = { retryBaseMs: 2000, retryMaxMs: RETRY_MAX_MS };

  it('doubles with each failed attempt, between half and all of base × 2^(attempts-1)', () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(settings, attempts, () => 1))).toEqual([2000, 4000, 8000, 16000]);
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(settings, attempts, () => 0))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never waits longer than the cap', () => {
    expect(retryDelayMs(settings, 30, () => 1)).toBe(RETRY_MAX_MS);
  });
});

describe('revalidation payload', () => {
  const first: RevalidationPayload = {
    event: 'publish',
    deliveryId: 'd-1',
    occurredAt: '2026-01-01T00:00:00.000Z',
    clinic: { slug: 'northside-physio' },
    entries: [{ type: 'technique', slug: 'myofascial-release-therapy', locales: ['en'] }],
    related: [{ type: 'condition', slug: 'back-pain' }],
  };

  it('merges a later change of the same transaction: locales joined, related pages once, changed entries not as related', () => {
    const merged = mergePayload(first, {
      entries: [
        { type: 'technique', slug: 'myofascial-release-therapy', locales: ['fr-CA', 'en'] },
        { type: 'condition', slug: 'back-pain', locales: ['en'] },
      ],
      related: [{ type: 'technique', slug: 'myofascial-release-therapy' }, { type: 'benefit', slug: 'return-to-normal-function' }],
    });
    expect(merged.entries).toEqual([
      { type: 'technique', slug: 'myofascial-release-therapy', locales: ['en', 'fr-CA'] },
      { type: 'condition', slug: 'back-pain', locales: ['en'] },
    ]);
    expect(merged.related).toEqual([{ type: 'benefit', slug: 'return-to-normal-function' }]);
    expect(first.entries[0]?.locales).toEqual(['en']);
  });
});

describe('revalidation signature', () => {
  it('is the hex HMAC-SHA256 of "<timestamp>.<body>" under the clinic secret', () => {
    const body = '{"event":"publish"}';
    const expected = createHmac('sha256', 'a-clinic-secret-1234').update(`1767225600.${body}`).digest('hex');
    expect(signatureOf('a-clinic-secret-1234', 1767225600, body)).toBe(`sha256=${expected}`);
  });
});
