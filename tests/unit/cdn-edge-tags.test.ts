/**
 * Edge tags (src/cdn/edge-tags.ts): the short names CDNs see for cache tags, the tag header of a
 * response per CDN and its limits, the headers an answer carries, and splitting purges into batches.
 */
import { createHash } from 'crypto';
import { batches, EDGE_TAG_HEADER_RULES, EDGE_TAG_LENGTH, edgeHeadersFor, edgeTag, edgeTagCapacity, edgeTagHeader, edgeTags, isEdgeTag, MAX_EDGE_TAGS, PRIVATE_CACHE_CONTROL, type Cdn } from '../../src/cdn';
import { cachedHeaders } from '../../src/graphql/answer';

/** RFC 4648 base32, decoded independently of the module under test. */
function fromBase32(text: string): Buffer {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    buffer = (buffer << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >>> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** Raw tags of the shapes content/tags.ts makes, `count` distinct ones. */
function rawTags(count: number): string[] {
  const shapes = [
    (i: number) => `technique:${String(i).padStart(24, 'x')}:fr-CA`,
    (i: number) => `links:condition:${String(i).padStart(24, 'y')}:en:techniques`,
    (i: number) => `adaptation:clinic-${i}:technique:myofascial-release-therapy`,
    (i: number) => `clinic:${String(i).padStart(24, 'z')}`,
  ];
  return Array.from({ length: count }, (_, i) => (shapes[i % shapes.length] as (n: number) => string)(i));
}

describe('edge tags', () => {
  it('keep their scheme: c + the first 80 bits of SHA-256 in lowercase base32 (a change orphans every cached object)', () => {
    expect(edgeTag('locales')).toBe('cmk6hzlgjfhyotk4x');
    const tag = 'links:technique:abcdefghijklmnopqrstuvwx:fr-CA:conditions';
    expect(fromBase32(edgeTag(tag).slice(1))).toEqual(createHash('sha256').update(tag, 'utf8').digest().subarray(0, 10));
  });

  it('are 17 characters of a-z and 2-7 after a c, whatever the tag', () => {
    for (const tag of ['locales', 'clinic:é', 'x'.repeat(5000), ...rawTags(20)]) {
      const edge = edgeTag(tag);
      expect(edge).toHaveLength(EDGE_TAG_LENGTH);
      expect(edge).toMatch(/^c[a-z2-7]{16}$/);
      expect(isEdgeTag(edge)).toBe(true);
    }
    expect(EDGE_TAG_LENGTH).toBe(17);
  });

  it('are the same for the same tag and differ between tags (no collision among 20,000 realistic tags)', () => {
    const tags = rawTags(20000);
    expect(tags.map(edgeTag)).toEqual(tags.map(edgeTag));
    expect(new Set(tags.map(edgeTag)).size).toBe(20000);
    // Tags differing only in case stay apart, even though Cloudflare compares tags case-insensitively.
    expect(edgeTag('clinic:Abc')).not.toBe(edgeTag('clinic:abc'));
  });

  it('refuse an empty cache tag', () => {
    expect(() => edgeTag('')).toThrow(TypeError);
  });

  it('are listed once each, in the order first seen', () => {
    expect(edgeTags(['b', 'a', 'b', 'c', 'a'])).toEqual([edgeTag('b'), edgeTag('a'), edgeTag('c')]);
  });

  it('tell edge tags from other strings', () => {
    expect(isEdgeTag('technique:abc:en')).toBe(false);
    expect(isEdgeTag(edgeTag('x').toUpperCase())).toBe(false);
    expect(isEdgeTag(`${edgeTag('x')}a`)).toBe(false);
  });
});

describe('the tag header of a response', () => {
  const cases: Array<[Cdn, string, string]> = [
    ['varnish', 'xkey', ' '],
    ['fastly', 'Surrogate-Key', ' '],
    ['cloudflare', 'Cache-Tag', ','],
  ];

  it.each(cases)('for %s is %s, its edge tags separated by "%s"', (cdn, name, separator) => {
    const tags = ['technique:abcdefghijklmnopqrstuvwx:en', 'locales', 'locales'];
    const header = edgeTagHeader(tags, cdn);
    expect(header).toEqual({ isWithinLimit: true, name, value: edgeTags(tags).join(separator), tagCount: 2, bytes: 2 * 17 + 1 });
  });

  it('holds 444 edge tags for Varnish (8000 bytes), 888 for Fastly and Cloudflare (16,000 bytes)', () => {
    expect(edgeTagCapacity('varnish')).toBe(444);
    expect(edgeTagCapacity('fastly')).toBe(888);
    expect(edgeTagCapacity('cloudflare')).toBe(888);
    for (const cdn of ['varnish', 'fastly', 'cloudflare'] as const) {
      const header = edgeTagHeader(rawTags(edgeTagCapacity(cdn)), cdn);
      expect(header.isWithinLimit).toBe(true);
      expect(header.bytes).toBeLessThanOrEqual(EDGE_TAG_HEADER_RULES[cdn].maxValueBytes);
    }
  });

  it('is reported, not cut short, when the page carries more tags than the CDN takes', () => {
    const header = edgeTagHeader(rawTags(445), 'varnish');
    expect(header).toEqual({ isWithinLimit: false, name: 'xkey', tagCount: 445, bytes: 445 * 18 - 1, maxBytes: 8000, maxTags: null });
    expect('value' in header).toBe(false);
    expect(edgeTagHeader(rawTags(889), 'cloudflare')).toMatchObject({ isWithinLimit: false, name: 'Cache-Tag', tagCount: 889, maxBytes: 16000, maxTags: 1000 });
    expect(edgeTagHeader(rawTags(889), 'fastly')).toMatchObject({ isWithinLimit: false, name: 'Surrogate-Key', tagCount: 889 });
  });

  it('counts each tag once: repeated cache tags take no room', () => {
    const header = edgeTagHeader([...rawTags(444), ...rawTags(444)], 'varnish');
    expect(header).toMatchObject({ isWithinLimit: true, tagCount: 444 });
  });
});

describe('batches', () => {
  it('split tags into runs of at most the size, in order', () => {
    const tags = Array.from({ length: 7 }, (_, i) => `t${i}`);
    expect(batches(tags, 3)).toEqual([['t0', 't1', 't2'], ['t3', 't4', 't5'], ['t6']]);
    expect(batches(tags, 7)).toEqual([tags]);
    expect(batches([], 100)).toEqual([]);
  });

  it('refuse a size that is not a whole number of at least 1', () => {
    expect(() => batches(['a'], 0)).toThrow(RangeError);
    expect(() => batches(['a'], 1.5)).toThrow(RangeError);
  });
});

describe('the tag headers of an answer', () => {
  const headersOf = edgeHeadersFor({ isFastly: true });

  it('carries the edge tags in Cache-Tag (comma-separated) and, with Fastly, in Surrogate-Key (space-separated)', () => {
    const edge = headersOf(['technique:abc:en', 'locales']);
    expect(edge).toEqual({ isCacheableAtEdge: true, headers: { 'Cache-Tag': `${edgeTag('technique:abc:en')},${edgeTag('locales')}`, 'Surrogate-Key': `${edgeTag('technique:abc:en')} ${edgeTag('locales')}` } });
    expect(edgeHeadersFor({ isFastly: false })(['locales']).headers).toEqual({ 'Cache-Tag': edgeTag('locales') });
  });

  it('keeps an answer whose tags do not fit out of shared caches instead of cutting its tags', () => {
    const many = Array.from({ length: MAX_EDGE_TAGS + 1 }, (_, index) => `condition:${index}:en`);
    expect(headersOf(many)).toEqual({ isCacheableAtEdge: false, headers: {} });
    expect(headersOf(many.slice(1)).isCacheableAtEdge).toBe(true);
    expect(cachedHeaders({ cacheControl: 'public, s-maxage=300', etag: '"e"', vary: 'Authorization', edge: headersOf(many), outcome: 'MISS' })).toEqual({
      'Cache-Control': PRIVATE_CACHE_CONTROL,
      ETag: '"e"',
      Vary: 'Authorization',
      'X-Cache': 'MISS',
    });
  });
});
