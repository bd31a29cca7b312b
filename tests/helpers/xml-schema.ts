/**
 * Validates XML the service writes against the schemas in tests/fixtures/ with xmllint (Debian's
 * libxml2-utils; .ci/run installs it when absent), without the network. Each function throws with
 * xmllint's messages when the document is not valid.
 */
import { spawnSync } from 'child_process';
import path from 'path';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

export const SCHEMAS = {
  xliff: path.join(FIXTURES, 'xliff', 'xliff-core-2.0.xsd'),
  sitemap: path.join(FIXTURES, 'sitemaps', 'urlset-with-alternates.xsd'),
  sitemapIndex: path.join(FIXTURES, 'sitemaps', 'siteindex.xsd'),
} as const;

/** The warning libxml2 gives for the XML namespace import urlset-with-alternates.xsd makes on purpose. */
const EXPECTED_WARNING = /Skipping import of schema located at 'http:\/\/www\.w3\.org\/2001\/xml\.xsd'/;

export function validateXml(input: { xml: string; schema: string; what: string }): void {
  const result = spawnSync('xmllint', ['--noout', '--nonet', '--schema', input.schema, '-'], { input: input.xml, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error !== undefined) throw new Error(`xmllint could not run (${result.error.message}); install libxml2-utils`);
  if (result.status !== 0) {
    const messages = result.stderr.split('\n').filter((line) => line !== '' && !EXPECTED_WARNING.test(line));
    throw new Error(`not valid ${input.what}:\n${messages.join('\n')}`);
  }
}

export function validateXliff(xml: string): void {
  validateXml({ xml, schema: SCHEMAS.xliff, what: 'XLIFF 2.0' });
}

/** A <urlset> (sitemaps.org 0.9), its <url>s possibly carrying xhtml:link alternates. */
export function validateSitemap(xml: string): void {
  validateXml({ xml, schema: SCHEMAS.sitemap, what: 'sitemap (sitemaps.org 0.9 with xhtml:link)' });
}

/** A <sitemapindex> (sitemaps.org 0.9). */
export function validateSitemapIndex(xml: string): void {
  validateXml({ xml, schema: SCHEMAS.sitemapIndex, what: 'sitemap index (sitemaps.org 0.9)' });
}
