/**
 * The persisted-documents manifest (types/graphql/client/persisted-documents.json) is append-only:
 * sites built against an earlier release send its ids, so no id may disappear or change its document.
 * persisted-documents.lock.json beside it lists every id ever released; codegen keeps both.
 */
import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import path from 'path';
import { ROOT } from '../helpers/strapi';

const DIR = path.join(ROOT, 'types', 'graphql', 'client');
const manifest = JSON.parse(readFileSync(path.join(DIR, 'persisted-documents.json'), 'utf8')) as Record<string, string>;
const lock = JSON.parse(readFileSync(path.join(DIR, 'persisted-documents.lock.json'), 'utf8')) as { ids: string[] };

describe('the persisted-documents manifest', () => {
  it('still holds every id ever released (persisted-documents.lock.json)', () => {
    const missing = lock.ids.filter((id) => !(id in manifest));
    expect(missing).toEqual([]);
  });

  it('has every id it serves recorded in the lock, so that it cannot be dropped later unnoticed', () => {
    const unrecorded = Object.keys(manifest).filter((id) => !lock.ids.includes(id));
    expect(unrecorded).toEqual([]);
  });

  it('names each document by the sha256 of its text, as the client preset computes it, so an id never changes its document', () => {
    const wrong = Object.entries(manifest)
      .filter(([id, document]) => id !== `sha256:${createHash('sha256').update(document).digest('hex')}`)
      .map(([id]) => id);
    expect(wrong).toEqual([]);
    expect(Object.keys(manifest).length).toBeGreaterThan(0);
  });

  it('lists each released id once, in order, so that additions are one-line diffs', () => {
    expect(lock.ids).toEqual([...new Set(lock.ids)].sort());
  });
});
