import { readdirSync, readFileSync } from 'fs';
import path from 'path';
import {
  ADAPTABLE_MODELS,
  ADAPTATION,
  isPageType,
  isServedUid,
  MODELS,
  modelByName,
  modelByPageType,
  PAGE_MODELS,
  SERVED_MODELS,
  SLUG_PATTERN,
  UIDS,
} from '../../src/content/model';
import { isEmptyValue, toDay, toEpochMs, toIso } from '../../src/content/values';
import { FIELD_HELP } from '../../src/editor-help/field-help';

const SRC = path.resolve(__dirname, '..', '..', 'src');

interface SchemaAttribute {
  type: string;
  target?: string;
  component?: string;
  repeatable?: boolean;
  regex?: string;
  enum?: string[];
  pluginOptions?: { i18n?: { localized?: boolean } };
}

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

  it.each(ADAPTABLE_MODELS.map((model) => [model.uid, model] as const))('tells editors of %s which fields clinics may adapt and which are vetted', (uid, model) => {
    for (const [field, help] of Object.entries(FIELD_HELP[uid] ?? {})) {
      const note = model.adaptable.includes(field) ? 'Clinics may adapt this field' : 'Vetted: clinics cannot adapt this field';
      expect({ field, description: help.description }).toEqual({ field, description: expect.stringContaining(note) });
    }
    expect(FIELD_HELP[UIDS.cause]?.name?.description).not.toMatch(/adapt/);
  });

  it("names, on an adaptation's target fields, what clinics may adapt of each type", () => {
    const help = FIELD_HELP[ADAPTATION.uid] ?? {};
    expect(help.technique?.description).toContain("Clinics may adapt a technique's Summary, Introduction, Call to action and SEO; everything else is vetted");
    expect(help.condition?.description).toContain("Clinics may adapt a condition's Summary and SEO; everything else is vetted");
  });
});

/** A schema.json of a content type (`api::…`) or a component (`category.name`). */
function readSchema(uid: string): { attributes: Record<string, SchemaAttribute> } {
  const [, api, type] = /^api::([^.]+)\.(.+)$/.exec(uid) ?? [];
  if (api !== undefined) return JSON.parse(readFileSync(path.join(SRC, 'api', api, 'content-types', type ?? '', 'schema.json'), 'utf8'));
  const [category, name] = uid.split('.');
  return JSON.parse(readFileSync(path.join(SRC, 'components', category ?? '', `${name ?? ''}.json`), 'utf8'));
}

describe('slug format', () => {
  it.each(SERVED_MODELS.map((model) => model.uid))('is the same pattern in the %s schema as in the server rules', (uid) => {
    expect(readSchema(uid).attributes.slug?.regex).toBe(SLUG_PATTERN.source);
  });

  it('is the slug pattern wherever an adaptation names a clinic, a target or a hidden entry', () => {
    const attributes = readSchema(ADAPTATION.uid).attributes;
    for (const field of [ADAPTATION.clinicField, ...Object.keys(ADAPTATION.targetFields)]) {
      expect({ field, regex: attributes[field]?.regex }).toEqual({ field, regex: SLUG_PATTERN.source });
    }
    expect(readSchema('adaptation.hidden-entry').attributes.slug?.regex).toBe(SLUG_PATTERN.source);
  });
});


/** Each content type's schema.json, by the uid Strapi gives it. */
function contentTypeSchemas(): Map<string, Record<string, SchemaAttribute>> {
  return new Map(
    schemas()
      .filter(([uid]) => uid.startsWith('api::'))
      .map(([uid]) => {
        const [, api, type] = /^api::([^.]+)\.(.+)$/.exec(uid) ?? [];
        const schema = JSON.parse(readFileSync(path.join(SRC, 'api', api ?? '', 'content-types', type ?? '', 'schema.json'), 'utf8'));
        return [uid, schema.attributes as Record<string, SchemaAttribute>];
      }),
  );
}

const GRAPHQL_SDL = readdirSync(path.join(SRC, 'graphql', 'schema'))
  .map((file) => readFileSync(path.join(SRC, 'graphql', 'schema', file), 'utf8'))
  .join('\n');

describe('content-model registry', () => {
  const types = contentTypeSchemas();

  it('has one record per content type of src/api (the served types and clinic adaptations), and no other', () => {
    expect([...Object.keys(MODELS), ADAPTATION.uid].sort()).toEqual([...types.keys()].sort());
    expect(SERVED_MODELS.map((model) => model.uid)).toEqual(Object.keys(MODELS));
    expect(isServedUid(ADAPTATION.uid)).toBe(false);
  });

  it.each(SERVED_MODELS.map((model) => [model.uid, model] as const))('lists the components of %s as its schema.json has them', (uid, model) => {
    const attributes = types.get(uid) ?? {};
    const components = Object.entries(attributes).filter(([, attribute]) => attribute.type === 'component').map(([name]) => name);
    expect([...model.components].sort()).toEqual(components.sort());
  });

  it.each(SERVED_MODELS.map((model) => [model.uid, model] as const))('lists the relations of %s, and their targets, as its schema.json has them', (uid, model) => {
    const attributes = types.get(uid) ?? {};
    const relations = Object.fromEntries(
      Object.entries(attributes)
        .filter(([, attribute]) => attribute.type === 'relation')
        .map(([name, attribute]) => [name, attribute.target]),
    );
    expect(model.relations).toEqual(relations);
  });

  it.each(SERVED_MODELS.map((model) => [model.uid, model] as const))('requires along the chain only localized fields %s has', (uid, model) => {
    const attributes = types.get(uid) ?? {};
    for (const field of model.requiredLocalized) {
      expect({ field, localized: attributes[field]?.pluginOptions?.i18n?.localized }).toEqual({ field, localized: true });
    }
  });

  it.each(ADAPTABLE_MODELS.map((model) => [model.uid, model] as const))('lets clinics adapt only localized fields %s has, never a relation', (uid, model) => {
    expect(model.adaptable.length).toBeGreaterThan(0);
    const attributes = types.get(uid) ?? {};
    for (const field of model.adaptable) {
      expect({ field, type: attributes[field]?.type, localized: attributes[field]?.pluginOptions?.i18n?.localized }).toEqual({
        field,
        type: expect.not.stringMatching(/^relation$/),
        localized: true,
      });
    }
  });

  it('gives an adaptation a field of the same type and component for every field some type lets clinics adapt', () => {
    const adaptation = types.get(ADAPTATION.uid) ?? {};
    for (const model of ADAPTABLE_MODELS) {
      const base = types.get(model.uid) ?? {};
      for (const field of model.adaptable) {
        const pick = (attribute: SchemaAttribute | undefined) => ({ type: attribute?.type, component: attribute?.component, repeatable: attribute?.repeatable ?? false });
        expect({ model: model.name, field, ...pick(adaptation[field]) }).toEqual({ model: model.name, field, ...pick(base[field]) });
        expect({ field, localized: adaptation[field]?.pluginOptions?.i18n?.localized }).toEqual({ field, localized: true });
      }
    }
  });

  it('describes every field of an adaptation in ADAPTATION: the clinic, the target, overrides, its own content, hides and the basis', () => {
    const adaptation = types.get(ADAPTATION.uid) ?? {};
    const overrides = new Set(ADAPTABLE_MODELS.flatMap((model) => model.adaptable));
    const described = [ADAPTATION.clinicField, ...Object.keys(ADAPTATION.targetFields), ...overrides, ...ADAPTATION.ownFields, ADAPTATION.hiddenField, ADAPTATION.basisField];
    expect(Object.keys(adaptation).sort()).toEqual(described.sort());
    for (const field of [ADAPTATION.clinicField, ...Object.keys(ADAPTATION.targetFields), ADAPTATION.hiddenField]) {
      // The same in every locale of an adaptation: one adaptation per clinic and entry across locales.
      expect({ field, localized: adaptation[field]?.pluginOptions?.i18n?.localized }).toEqual({ field, localized: false });
    }
    for (const [field, uid] of Object.entries(ADAPTATION.targetFields)) expect(MODELS[uid].name).toBe(field);
  });

  it('lets a hidden entry name exactly the relations of the types clinics adapt', () => {
    const relation = readSchema('adaptation.hidden-entry').attributes.relation;
    expect([...(relation?.enum ?? [])].sort()).toEqual([...new Set(ADAPTABLE_MODELS.flatMap((model) => Object.keys(model.relations)))].sort());
  });

  it('gives every type its own name, GraphQL type, cache tag and page path', () => {
    const unique = (values: unknown[]) => new Set(values).size === values.length;
    expect(unique(SERVED_MODELS.map((model) => model.name))).toBe(true);
    expect(unique(SERVED_MODELS.map((model) => model.graphqlName))).toBe(true);
    expect(unique(SERVED_MODELS.map((model) => model.cacheTag))).toBe(true);
    expect(unique(PAGE_MODELS.map((model) => model.pageType))).toBe(true);
    for (const model of SERVED_MODELS) {
      expect({ type: model.graphqlName, inSchema: new RegExp(`^type ${model.graphqlName}\\b`, 'm').test(GRAPHQL_SDL) }).toEqual({ type: model.graphqlName, inSchema: true });
      expect(modelByName(model.name)).toBe(model);
      expect(isServedUid(model.uid)).toBe(true);
    }
  });

  it('finds the types with pages by their path segment, and no other', () => {
    expect(PAGE_MODELS.map((model) => [model.pageType, model.uid])).toEqual([
      ['techniques', UIDS.technique],
      ['conditions', UIDS.condition],
    ]);
    expect(modelByPageType('techniques')?.uid).toBe(UIDS.technique);
    expect(isPageType('conditions')).toBe(true);
    expect(isPageType('causes')).toBe(false);
    expect(modelByPageType('clinics')).toBeUndefined();
  });

  it('names every served type in UIDS, and knows no other uid', () => {
    expect(Object.values(UIDS).sort()).toEqual(Object.keys(MODELS).sort());
    expect(isServedUid('plugin::i18n.locale')).toBe(false);
    expect(isServedUid('toString')).toBe(false);
    expect(modelByName('technique')?.uid).toBe(UIDS.technique);
    expect(modelByName('widget')).toBeUndefined();
  });
});

describe('content values', () => {
  it('reads a timestamp as ISO text whether the driver gave a Date, epoch milliseconds or text', () => {
    const iso = '2024-05-01T12:30:00.000Z';
    expect(toIso(new Date(iso))).toBe(iso);
    expect(toIso(Date.parse(iso))).toBe(iso);
    expect(toIso('2024-05-01 12:30:00Z')).toBe(iso);
    expect(toEpochMs(iso)).toBe(Date.parse(iso));
  });

  it('reads a date field as YYYY-MM-DD: text as written, a Date as its local calendar day, anything else as none', () => {
    expect(toDay('2026-05-01')).toBe('2026-05-01');
    expect(toDay(new Date(2026, 4, 1))).toBe('2026-05-01');
    expect(toDay(new Date('invalid'))).toBeNull();
    expect(toDay('May 1st')).toBeNull();
    expect(toDay(null)).toBeNull();
  });

  it('refuses a timestamp it cannot read instead of guessing', () => {
    expect(() => toIso('not a time')).toThrow('Unreadable timestamp "not a time"');
  });

  it('counts blank text, no items and blocks without text as empty; a set switch alone does not fill a component', () => {
    expect(isEmptyValue('  ')).toBe(true);
    expect(isEmptyValue([])).toBe(true);
    expect(isEmptyValue([{ type: 'paragraph', children: [{ type: 'text', text: ' ' }] }])).toBe(true);
    expect(isEmptyValue({ id: 3, metaTitle: '', noIndex: true })).toBe(true);
    expect(isEmptyValue([{ type: 'paragraph', children: [{ type: 'text', text: 'Hi' }] }])).toBe(false);
    expect(isEmptyValue({ metaTitle: 'Title', noIndex: false })).toBe(false);
  });
});
