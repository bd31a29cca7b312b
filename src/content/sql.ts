/**
 * The read API's own SQL. One statement loads whole entries — their columns, their components and the
 * documentIds of their related entries, each as JSON built by the database — for any number of
 * documents of any number of content types, each in the first locale of the chain it exists in. That
 * is what makes a GraphQL request cost one statement per level of relations, however many entries each
 * level holds.
 *
 * The statements are derived from Strapi's model metadata (table, column, join-table and component
 * names), for SQLite and PostgreSQL. Components and relations are read through Strapi's indexed join
 * tables, starting from the entry row.
 */
import type { Core } from '@strapi/strapi';
import { MODELS, modelMeta, type ContentUid, type FieldMeta, type JoinTable, type ModelMeta } from './model';
import { toIso } from './values';

export type Dialect = 'sqlite' | 'postgres';
export type ContentStatus = 'published' | 'draft';

/** Attribute types stored in the entry's own row. */
const SCALARS = new Set([
  'string', 'text', 'richtext', 'uid', 'email', 'password', 'enumeration', 'integer', 'biginteger', 'float',
  'decimal', 'boolean', 'date', 'time', 'datetime', 'timestamp', 'json', 'blocks',
]);
const JSON_TYPES = new Set(['json', 'blocks']);
const TIMESTAMPS = new Set(['datetime', 'timestamp']);

/** Bookkeeping fields the read API never serves. */
const OMITTED = new Set(['createdAt', 'publishedAt']);

/** Identifiers come from Strapi's metadata; quoting keeps reserved words (`order`) usable. */
function quote(identifier: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(identifier)) throw new Error(`Unexpected SQL identifier "${identifier}"`);
  return `"${identifier}"`;
}

function literal(text: string): string {
  if (!/^[A-Za-z0-9_.:-]*$/.test(text)) throw new Error(`Unexpected SQL literal "${text}"`);
  return `'${text}'`;
}

/** How a loaded row's JSON is turned into an entry: which keys hold timestamps, at any depth. */
export interface Decoder {
  timestamps: string[];
  components: Record<string, Decoder>;
}

export interface EntrySql {
  /** Expression building the entry's JSON from the row aliased `t`. */
  json: string;
  decoder: Decoder;
  table: string;
  /** The keys of the JSON object, in order: what an entry's row holds. */
  fields: readonly string[];
}

/**
 * How much of an entry a read loads: all of it; its listing with its relation lists ('linked'); or its
 * listing alone — what a relation list or a list page shows of each entry (its slug, name and summary).
 * Components and relation lists are most of what the database builds and the service parses. Each
 * shape holds the next: SHAPES runs from the most to the least.
 */
export type EntryShape = 'whole' | 'linked' | 'listing';

export const SHAPES: readonly EntryShape[] = ['whole', 'linked', 'listing'];

/** The fields of an entry's listing (with documentId and locale); every content type has them. */
export const LISTING_FIELDS: ReadonlySet<string> = new Set(['slug', 'name', 'summary', 'updatedAt', 'locale']);

export class ReadSql {
  readonly dialect: Dialect;
  private readonly entries = new Map<string, EntrySql>();

  constructor(private readonly strapi: Core.Strapi) {
    const client = String((strapi.db.connection.client as { config: { client: string } }).config.client);
    this.dialect = client.includes('sqlite') ? 'sqlite' : client === 'pg' || client.includes('postgres') ? 'postgres' : (() => {
      throw new Error(`The read API supports SQLite and PostgreSQL, not the "${client}" database client.`);
    })();
  }

  /* The building blocks below are also adaptation-sql.ts's, which builds clinic adaptations' rows. */

  model(uid: string): ModelMeta {
    return modelMeta(this.strapi, uid);
  }

  object(pairs: Array<[string, string]>): string {
    if (pairs.length > 50) throw new Error('An entry has more than 50 served fields; split its JSON object.');
    const args = pairs.map(([key, value]) => `${literal(key)}, ${value}`).join(', ');
    return this.dialect === 'sqlite' ? `json_object(${args})` : `json_build_object(${args})`;
  }

  /** A scalar column as a JSON value. */
  scalar(alias: string, field: FieldMeta): string {
    if (field.column === null) throw new Error(`Field "${field.name}" has no column of its own.`);
    const column = `${alias}.${quote(field.column)}`;
    if (this.dialect === 'postgres') return column;
    if (JSON_TYPES.has(field.type)) return `json(${column})`;
    if (field.type === 'boolean') return `(case when ${column} is null then null when ${column} then json('true') else json('false') end)`;
    return column;
  }

  /** A subquery returning JSON; SQLite needs json() to keep it JSON when nested in an object. */
  private nested(subquery: string): string {
    return this.dialect === 'sqlite' ? `json((${subquery}))` : `(${subquery})`;
  }

  private aggregate(value: string, orderBy: string): string {
    return this.dialect === 'sqlite'
      ? `json_group_array(${value} order by ${orderBy})`
      : `coalesce(json_agg(${value} order by ${orderBy}), '[]'::json)`;
  }

  private componentObject(uid: string, alias: string, extra: Array<[string, string]>): { json: string; decoder: Decoder } {
    const model = this.model(uid);
    const pairs: Array<[string, string]> = [...extra];
    const decoder: Decoder = { timestamps: [], components: {} };
    for (const field of model.fields) {
      if (!SCALARS.has(field.type)) {
        throw new Error(`Component ${uid} has a nested ${field.type} field "${field.name}", which the read API does not load.`);
      }
      pairs.push([field.name, this.scalar(alias, field)]);
      if (TIMESTAMPS.has(field.type)) decoder.timestamps.push(field.name);
    }
    return { json: this.object(pairs), decoder };
  }

  /** A component field as JSON; `extra`: more pairs of each component's object, over its row aliased `c`. */
  component(field: FieldMeta, extra: Array<[string, string]> = []): { json: string; decoder: Decoder } {
    const join = joinTableOf(field);
    if (field.component === null) throw new Error(`Field "${field.name}" holds no component.`);
    const target = this.model(field.component.uid);
    const { json, decoder } = this.componentObject(target.uid, 'c', extra);
    const on = Object.entries(join.on ?? { field: field.name }).map(([column, value]) => `j.${quote(column)} = ${literal(value)}`);
    const order = `j.${quote(join.orderColumnName ?? 'order')}, j."id"`;
    const from =
      `from ${quote(join.name)} j join ${quote(target.tableName)} c on c.${quote(join.inverseJoinColumn.referencedColumn)} = j.${quote(join.inverseJoinColumn.name)} ` +
      `where j.${quote(join.joinColumn.name)} = t.${quote(join.joinColumn.referencedColumn)} and ${on.join(' and ')}`;
    const subquery = field.component.isRepeatable ? `select ${this.aggregate(json, order)} ${from}` : `select ${json} ${from} order by ${order} limit 1`;
    return { json: this.nested(subquery), decoder };
  }

  private relation(field: FieldMeta): string {
    const join = joinTableOf(field);
    if (field.relation === null) throw new Error(`Field "${field.name}" is no relation.`);
    const target = this.model(field.relation.target);
    const order = `l.${quote(join.orderColumnName ?? 'id')}, l."id"`;
    return this.nested(
      `select ${this.aggregate('r."document_id"', order)} from ${quote(join.name)} l ` +
        `join ${quote(target.tableName)} r on r.${quote(join.inverseJoinColumn.referencedColumn)} = l.${quote(join.inverseJoinColumn.name)} ` +
        `where l.${quote(join.joinColumn.name)} = t.${quote(join.joinColumn.referencedColumn)}`,
    );
  }

  /** The JSON expression (and its decoder) for entries of a content type, whole or their listing. */
  entry(uid: ContentUid, shape: EntryShape = 'whole'): EntrySql {
    const cacheKey = `${uid}|${shape}`;
    const cached = this.entries.get(cacheKey);
    if (cached !== undefined) return cached;
    const model = this.model(uid);
    const served = MODELS[uid];
    // documentId is Strapi's own column, not a schema field; it leads the entry as it leads the row.
    const pairs: Array<[string, string]> = [['documentId', 't."document_id"']];
    const decoder: Decoder = { timestamps: [], components: {} };
    for (const field of model.fields) {
      const { name } = field;
      if (OMITTED.has(name) || field.isPrivate) continue;
      if (shape !== 'whole' && !LISTING_FIELDS.has(name) && !(shape === 'linked' && name in served.relations)) continue;
      if (SCALARS.has(field.type)) {
        pairs.push([name, this.scalar('t', field)]);
        if (TIMESTAMPS.has(field.type)) decoder.timestamps.push(name);
      } else if (served.components.includes(name)) {
        const component = this.component(field);
        pairs.push([name, component.json]);
        decoder.components[name] = component.decoder;
      } else if (name in served.relations) {
        pairs.push([name, this.relation(field)]);
      }
    }
    const expected = shape === 'whole' ? [...served.components, ...Object.keys(served.relations)] : [...LISTING_FIELDS, ...(shape === 'linked' ? Object.keys(served.relations) : [])];
    for (const name of expected) {
      if (!pairs.some(([key]) => key === name)) throw new Error(`${uid} has no loadable field "${name}"`);
    }
    const entry = { json: this.object(pairs), decoder, table: model.tableName, fields: pairs.map(([key]) => key) };
    this.entries.set(cacheKey, entry);
    return entry;
  }

  /**
   * Ids of the rows to serve: per document, its rows in the locales of the chain (a field empty in the
   * first is served from the next, see reader.ts). `key` is the column the values match (document_id
   * or slug).
   */
  chosenRows(input: {
    table: string;
    key: 'document_id' | 'slug' | null;
    values: readonly string[];
    chain: readonly string[];
    status: ContentStatus;
  }): { sql: string; bindings: unknown[] } {
    const { table, key, values, chain, status } = input;
    // The text depends only on the table and the chain's length, never on how many values are asked
    // for, so SQLite compiles it once (statement-cache.ts) and PostgreSQL sees one shape.
    const where = [
      `x."locale" in (${chain.map(() => '?').join(', ')})`,
      `x."published_at" is ${status === 'published' ? 'not null' : 'null'}`,
    ];
    const bindings: unknown[] = [];
    if (key !== null) {
      where.unshift(this.isAnyOf(`x.${quote(key)}`));
      bindings.push(this.listBinding(values));
    }
    bindings.push(...chain);
    return { sql: `select x."id" from ${quote(table)} x where ${where.join(' and ')}`, bindings };
  }

  /** The documents of a type with a row in `locale` and `status` (document_id, slug), by slug. */
  documentsIn(input: { table: string; locale: string; status: ContentStatus }): { sql: string; bindings: unknown[] } {
    const published = input.status === 'published' ? 'is not null' : 'is null';
    return {
      sql: `select t."document_id", t."slug" from ${quote(input.table)} t where t."locale" = ? and t."published_at" ${published} order by t."slug"`,
      bindings: [input.locale],
    };
  }

  /** Every draft row of a type: its document, locale and last edit (document_id, locale, updated_at). */
  draftEdits(table: string): { sql: string; bindings: unknown[] } {
    return { sql: `select t."document_id", t."locale", t."updated_at" from ${quote(table)} t where t."published_at" is null`, bindings: [] };
  }

  /**
   * `expression` is one of a list bound as one value (listBinding): one placeholder however long the
   * list, so the statement's text does not change with it.
   */
  isAnyOf(expression: string): string {
    return this.dialect === 'sqlite' ? `${expression} in (select "value" from json_each(?))` : `${expression} = any(?)`;
  }

  listBinding(values: readonly string[]): unknown {
    return this.dialect === 'sqlite' ? JSON.stringify(values) : [...values];
  }

  quote(identifier: string): string {
    return quote(identifier);
  }

  literal(text: string): string {
    return literal(text);
  }
}

/** Applies a decoder: timestamps become ISO 8601 in UTC, whichever way the database returned them. */
export function decode(value: Record<string, unknown>, decoder: Decoder): Record<string, unknown> {
  for (const key of decoder.timestamps) {
    const raw = value[key];
    if (raw !== null && raw !== undefined) value[key] = toIso(raw);
  }
  for (const [key, nested] of Object.entries(decoder.components)) {
    const raw = value[key];
    if (Array.isArray(raw)) raw.forEach((item) => decode(item as Record<string, unknown>, nested));
    else if (raw !== null && typeof raw === 'object') decode(raw as Record<string, unknown>, nested);
  }
  return value;
}

function joinTableOf(field: FieldMeta): JoinTable {
  if (field.joinTable === null) throw new Error(`Field "${field.name}" is not stored in a join table.`);
  return field.joinTable;
}
