/**
 * Validates an XLIFF document against the XLIFF 2.0 core schema (tests/helpers/xliff/) with xmllint
 * (Debian's libxml2-utils; .ci/run installs it when absent). Throws with xmllint's messages.
 */
import { spawnSync } from 'child_process';
import path from 'path';

const SCHEMA = path.join(__dirname, 'xliff', 'xliff-core-2.0.xsd');

export function validateXliff(xml: string): void {
  const result = spawnSync('xmllint', ['--noout', '--nonet', '--schema', SCHEMA, '-'], { input: xml, encoding: 'utf8' });
  if (result.error !== undefined) throw new Error(`xmllint could not run (${result.error.message}); install libxml2-utils`);
  if (result.status !== 0) throw new Error(`not valid XLIFF 2.0:\n${result.stderr}`);
}
