import { readdirSync, readFileSync } from 'fs';
import path from 'path';
import { SLUG_PATTERN } from '../../src/content/model';
import { FIELD_HELP } from '../../src/editor-help/field-help';

const SRC = path.resolve(__dirname, '..', '..', 'src');

/** Every content type and component schema in src, with the uid Strapi gives it. */
function schemas(): Array<[string, string[]]> {
  const found: Array<[string, string[]]> = [];
  for (const api of readdirSync(path.join(SRC, 'api'))) {
    for (const type of readdirSync(path.join(SRC, 'api', api, 'content-types'))) {
      const schema = JSON.parse(readFileSync(path.join(SRC, 'api', api, 'content-types', type, 'schema.json'), 'utf8'));
      found.push([`api::${api}.${type}`, Object.keys(schema.attributes)]);
    }
  }
  for (const category of readdirSync(path.join(SRC, 'components'))) {
    for (const file of readdirSync(path.join(SRC, 'components', category))) {
      const schema = JSON.parse(readFileSync(path.join(SRC, 'components', category, file), 'utf8'));
      found.push([`${category}.${path.basename(file, '.json')}`, Object.keys(schema.attributes)]);
    }
  }
  return found;
}

describe('editor help', () => {
  it.each(schemas())('gives every field of %s a label and a help text', (uid, fields) => {
    const help = FIELD_HELP[uid];
    expect(help).toBeDefined();
    for (const field of fields) {
      expect({ field, label: help?.[field]?.label.trim() || undefined }).toEqual({ field, label: expect.any(String) });
      expect({ field, description: help?.[field]?.description.trim() || undefined }).toEqual({ field, description: expect.any(String) });
    }
    expect(Object.keys(help ?? {}).sort()).toEqual([...fields].sort());
  });
});

describe('slug format', () => {
  it.each(schemas().filter(([uid]) => uid.startsWith('api::')))('is the same pattern in the %s schema as in the server rules', (uid) => {
    const [, api, type] = /^api::([^.]+)\.(.+)$/.exec(uid) ?? [];
    const schema = JSON.parse(readFileSync(path.join(SRC, 'api', api ?? '', 'content-types', type ?? '', 'schema.json'), 'utf8'));
    expect(schema.attributes.slug.regex).toBe(SLUG_PATTERN.source);
  });
});
