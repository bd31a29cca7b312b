/**
 * The one typed view of Strapi's model metadata: for a content type or a component, its table and its
 * fields — type, localized or not, required, private, the component a field holds, the type a relation
 * points at, and the join table either is stored in.
 *
 * Strapi keeps two descriptions of a model: the schema (`strapi.contentTypes`, `strapi.components`:
 * what schema.json says, i18n options included) and the database metadata (`strapi.db.metadata`:
 * tables, columns, join tables; a component field there is a relation to the component's table). Both
 * are typed loosely (the database's attributes are a union without the schema's options), so this
 * module reads them as plain data, checks each value it takes, and merges them into one field list.
 * Nothing else reads either description.
 */
import type { Core } from '@strapi/strapi';

/** How a relation or a component field is stored: a join table between the two tables. */
export interface JoinTable {
  name: string;
  /** The join table's column pointing at this model's row. */
  joinColumn: { name: string; referencedColumn: string };
  /** The join table's column pointing at the other model's row. */
  inverseJoinColumn: { name: string; referencedColumn: string };
  /** Conditions on the join table's own columns (a component join table's `field`), if Strapi sets any. */
  on: Readonly<Record<string, string>> | null;
  orderColumnName: string | null;
}

export interface FieldMeta {
  name: string;
  /** The schema's type: string, text, uid, blocks, json, component, relation, … */
  type: string;
  /** The column in the model's own table; null for components and relations. */
  column: string | null;
  isLocalized: boolean;
  isRequired: boolean;
  /** Private fields are never served (a clinic's hashed keys). */
  isPrivate: boolean;
  /** Component fields: the component and whether the field holds a list of them. */
  component: { uid: string; isRepeatable: boolean } | null;
  /**
   * Relation fields: the model pointed at, and the field on its side that lists this one (`inversedBy`
   * on the owning side, `mappedBy` on the inverse side; both null for a one-sided relation).
   */
  relation: { target: string; kind: string; inversedBy: string | null; mappedBy: string | null } | null;
  /** Components and relations stored in a join table. */
  joinTable: JoinTable | null;
}

export interface ModelMeta {
  uid: string;
  tableName: string;
  /** The schema's fields in schema order (Strapi's timestamps, creator and locale fields included; not `id` or `documentId`). */
  fields: readonly FieldMeta[];
  field(name: string): FieldMeta | undefined;
}

type Raw = Readonly<Record<string, unknown>>;

function isRaw(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function column(value: unknown): { name: string; referencedColumn: string } | null {
  if (!isRaw(value)) return null;
  const name = text(value.name);
  const referencedColumn = text(value.referencedColumn);
  return name === null || referencedColumn === null ? null : { name, referencedColumn };
}

function textRecord(value: unknown): Record<string, string> | null {
  if (!isRaw(value)) return null;
  const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return Object.fromEntries(entries);
}

function joinTableOf(value: unknown): JoinTable | null {
  if (!isRaw(value)) return null;
  const name = text(value.name);
  const joinColumn = column(value.joinColumn);
  const inverseJoinColumn = column(value.inverseJoinColumn);
  // Morph relations have no inverse join column; the content model has none.
  if (name === null || joinColumn === null || inverseJoinColumn === null) return null;
  return { name, joinColumn, inverseJoinColumn, on: textRecord(value.on), orderColumnName: text(value.orderColumnName) };
}

/** A model's schema attributes, from Strapi's registry of content types (`api::…`, `plugin::…`) or of components. */
function schemaAttributes(strapi: Core.Strapi, uid: string): Raw | undefined {
  const registry: object = uid.includes('::') ? strapi.contentTypes : strapi.components;
  const schema: unknown = Object.prototype.hasOwnProperty.call(registry, uid) ? Reflect.get(registry, uid) : undefined;
  return isRaw(schema) && isRaw(schema.attributes) ? schema.attributes : undefined;
}

function fieldOf(name: string, schema: Raw, stored: Raw): FieldMeta {
  const type = text(schema.type) ?? 'unknown';
  const i18n = isRaw(schema.pluginOptions) && isRaw(schema.pluginOptions.i18n) ? schema.pluginOptions.i18n : {};
  const componentUid = type === 'component' ? text(schema.component) : null;
  const target = type === 'relation' ? text(schema.target) : null;
  return {
    name,
    type,
    column: type === 'component' || type === 'relation' ? null : (text(stored.columnName) ?? name),
    isLocalized: i18n.localized === true,
    isRequired: schema.required === true,
    isPrivate: schema.private === true,
    component: componentUid === null ? null : { uid: componentUid, isRepeatable: schema.repeatable === true },
    relation:
      target === null
        ? null
        : { target, kind: text(schema.relation) ?? 'unknown', inversedBy: text(schema.inversedBy), mappedBy: text(schema.mappedBy) },
    joinTable: joinTableOf(stored.joinTable),
  };
}

const cache = new WeakMap<Core.Strapi, Map<string, ModelMeta>>();

function build(strapi: Core.Strapi, uid: string): ModelMeta | undefined {
  const attributes = schemaAttributes(strapi, uid);
  if (attributes === undefined || !strapi.db.metadata.has(uid)) return undefined;
  const stored = strapi.db.metadata.get(uid);
  const fields: FieldMeta[] = [];
  for (const [name, attribute] of Object.entries(attributes)) {
    if (!isRaw(attribute)) continue;
    const storedAttribute: unknown = stored.attributes[name];
    fields.push(fieldOf(name, attribute, isRaw(storedAttribute) ? storedAttribute : {}));
  }
  const byName = new Map(fields.map((field) => [field.name, field]));
  return { uid, tableName: stored.tableName, fields, field: (name) => byName.get(name) };
}

/**
 * The metadata of a content type or component, or undefined when Strapi has no such model. Read once
 * per Strapi instance: models do not change while it runs.
 */
export function findModelMeta(strapi: Core.Strapi, uid: string): ModelMeta | undefined {
  let known = cache.get(strapi);
  if (known === undefined) {
    known = new Map();
    cache.set(strapi, known);
  }
  let meta = known.get(uid);
  if (meta === undefined) {
    meta = build(strapi, uid);
    if (meta !== undefined) known.set(uid, meta);
  }
  return meta;
}

/** The metadata of a content type or component that must exist (a served type, a component it uses). */
export function modelMeta(strapi: Core.Strapi, uid: string): ModelMeta {
  const meta = findModelMeta(strapi, uid);
  if (meta === undefined) throw new Error(`Strapi has no model "${uid}"`);
  return meta;
}
