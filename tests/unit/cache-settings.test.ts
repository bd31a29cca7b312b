import { cacheSettings } from '../../src/cache';
import { parseSettings, SettingsError } from '../../src/settings';
import { changedTags } from '../../src/content/writes';
import { readTags } from '../../src/content/tags';

describe('cache settings', () => {
  it('defaults to an in-process cache of 64 MB and CDN-friendly Cache-Control values', () => {
    expect(cacheSettings(parseSettings({}))).toEqual({
      enabled: true,
      maxBytes: 64 * 1024 * 1024,
      redisUrl: null,
      prefix: 'clinic-content',
      ttlSeconds: 86400,
      maxAge: 0,
      sMaxAge: 300,
      staleWhileRevalidate: 60,
      fallbackMaxAgeMs: 1000,
      persistedQueryTtlSeconds: 86400,
    });
  });

  it('names the variable and the value it refuses', () => {
    expect(() => cacheSettings(parseSettings({ RESPONSE_CACHE: 'maybe' }))).toThrow(new SettingsError([{ variable: 'RESPONSE_CACHE', message: 'RESPONSE_CACHE must be "on" or "off", not "maybe".' }]));
    expect(() => cacheSettings(parseSettings({ REDIS_URL: 'localhost:6379' }))).toThrow('REDIS_URL must start with redis:// or rediss://, not "localhost:6379".');
    expect(() => cacheSettings(parseSettings({ RESPONSE_CACHE_MAX_MB: '0' }))).toThrow('RESPONSE_CACHE_MAX_MB must be a whole number of at least 1, not "0".');
    expect(() => cacheSettings(parseSettings({ CACHE_CONTROL_S_MAXAGE: '5m' }))).toThrow('CACHE_CONTROL_S_MAXAGE must be a whole number of at least 0, not "5m".');
  });

  it('turns off with RESPONSE_CACHE=off', () => {
    expect(cacheSettings(parseSettings({ RESPONSE_CACHE: 'off' })).enabled).toBe(false);
  });
});

describe('cache tags', () => {
  it('tags an entry read along a chain with every locale up to the one served, or all when none', () => {
    expect(readTags('api::technique.technique', 'abc', ['fr-CA', 'fr', 'en'], 'fr')).toEqual(['technique:abc:fr-CA', 'technique:abc:fr']);
    expect(readTags('api::technique.technique', 'abc', ['fr-CA', 'fr', 'en'], null)).toEqual(['technique:abc:fr-CA', 'technique:abc:fr', 'technique:abc:en']);
  });

  it('purges nothing for drafts (drafts link to drafts), the row and its type for published rows, the list fields of related ones', () => {
    const draft = { id: 1, uid: 'api::technique.technique', documentId: 'abc', locale: 'en', isPublished: false, slug: 'mrt' };
    const published = { ...draft, id: 2, isPublished: true };
    const related = { uid: 'api::condition.condition', documentId: 'xyz', locale: 'en', isPublished: true, slug: 'back-pain', field: 'techniques', linkedTo: 2 };
    const change = (rows: object[], others: object[] = []) =>
      ({ uid: 'api::technique.technique', rows: { before: [], after: rows }, related: { before: [], after: others }, adaptations: { before: [], after: [] }, storeKeys: [] }) as never;
    const none = { before: [], after: [] };
    expect(changedTags(change([draft], [{ ...related, isPublished: false }]))).toEqual([]);
    expect(changedTags(change([published], [related])).sort()).toEqual(['links:condition:xyz:en:techniques', 'technique:abc:en', 'type:technique:en']);
    expect(changedTags({ uid: 'plugin::i18n.locale', rows: none, related: none, adaptations: none, storeKeys: [] })).toEqual(['locales']);
  });

  it("purges only the clinic's answers that read the adapted entry for a published adaptation, nothing for its drafts", () => {
    const none = { before: [], after: [] };
    const row = {
      id: 7, uid: 'api::clinic-adaptation.clinic-adaptation' as const, documentId: 'ad1', locale: 'fr', isPublished: true,
      clinic: 'harbour-chiro', target: { uid: 'api::technique.technique' as const, slug: 'mrt' },
    };
    const change = (before: Array<typeof row>, after: Array<typeof row>) => ({ uid: row.uid, rows: none, related: none, adaptations: { before, after }, storeKeys: [] });
    expect(changedTags(change([], [row]))).toEqual(['adaptation:harbour-chiro:technique:mrt']);
    // Unpublishing removes the published row: the answers that served it are purged too.
    expect(changedTags(change([row], []))).toEqual(['adaptation:harbour-chiro:technique:mrt']);
    expect(changedTags(change([], [{ ...row, isPublished: false }]))).toEqual([]);
  });
});
