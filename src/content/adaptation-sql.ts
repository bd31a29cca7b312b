/**
 * The read API's SQL for clinic adaptations (model/registry.ts: ADAPTATION). The reader adds one
 * branch per adaptable request to the statement that loads the entries themselves (reader.ts), so a
 * clinic's adaptations cost no statement of their own: the rows of the calling clinic's adaptations
 * of the techniques or conditions asked for, in the chain's locales and the request's status.
 */
import { ADAPTABLE_MODELS, ADAPTATION, type AdaptationTargetField, type ContentUid, type FieldMeta } from './model';
import type { ContentStatus, Decoder, EntrySql, ReadSql } from './sql';

const built = new WeakMap<ReadSql, EntrySql>();

/**
 * The JSON of an adaptation row: the clinic and target it names, its overrides, the clinic's own
 * content, and the entries it hides, each with the documentId its slug names (the reader drops those
 * from relation lists without another statement). The recorded basis is the write side's, never served.
 */
export function adaptationSql(sql: ReadSql): EntrySql {
  const known = built.get(sql);
  if (known !== undefined) return known;
  const model = sql.model(ADAPTATION.uid);
  const served = new Set<string>([
    ADAPTATION.clinicField,
    ...Object.keys(ADAPTATION.targetFields),
    ...ADAPTABLE_MODELS.flatMap((adaptable) => adaptable.adaptable),
    ...ADAPTATION.ownFields,
  ]);
  const pairs: Array<[string, string]> = [['documentId', 't."document_id"']];
  const decoder: Decoder = { timestamps: [], components: {} };
  for (const field of model.fields) {
    const isHidden = field.name === ADAPTATION.hiddenField;
    if (!isHidden && field.name !== 'locale' && !served.has(field.name)) continue;
    if (field.component === null) {
      pairs.push([field.name, sql.scalar('t', field)]);
      continue;
    }
    const component = sql.component(field, isHidden ? [['documentId', hiddenDocumentId(sql, field)]] : []);
    pairs.push([field.name, component.json]);
    decoder.components[field.name] = component.decoder;
  }
  for (const name of [...served, ADAPTATION.hiddenField]) {
    if (!pairs.some(([key]) => key === name)) throw new Error(`${ADAPTATION.uid} has no loadable field "${name}"`);
  }
  const entry = { json: sql.object(pairs), decoder, table: model.tableName, fields: pairs.map(([key]) => key) };
  built.set(sql, entry);
  return entry;
}

/** The type each relation a hidden item may name points at (the same in every adaptable type). */
function hiddenTargets(): Map<string, ContentUid> {
  const targets = new Map<string, ContentUid>();
  for (const adaptable of ADAPTABLE_MODELS) {
    for (const [relation, target] of Object.entries(adaptable.relations)) {
      const known = targets.get(relation);
      if (known !== undefined && known !== target) throw new Error(`Relation "${relation}" points at ${known} and at ${target}: a hidden item could not name its entry.`);
      targets.set(relation, target);
    }
  }
  return targets;
}

/** A hidden item's entry: the documentId its slug has in the type its relation points at (slugs are not localized). */
function hiddenDocumentId(sql: ReadSql, field: FieldMeta): string {
  if (field.component === null) throw new Error(`Field "${field.name}" holds no component.`);
  const item = sql.model(field.component.uid);
  const column = (name: string) => `c.${sql.quote(columnOf(item.uid, item.field(name)))}`;
  const cases = [...hiddenTargets()].map(
    ([relation, target]) =>
      `when ${sql.literal(relation)} then (select r."document_id" from ${sql.quote(sql.model(target).tableName)} r where r."slug" = ${column('slug')} limit 1)`,
  );
  return `(case ${column('relation')} ${cases.join(' ')} end)`;
}

function columnOf(uid: string, field: FieldMeta | undefined): string {
  if (field === undefined || field.column === null) throw new Error(`${uid} has no column for a field the read API needs.`);
  return field.column;
}

/**
 * Ids of one clinic's adaptation rows of the entries asked for (by documentId or slug), in the
 * chain's locales and `status`. As for the entries' own rows (ReadSql.chosenRows), the text depends
 * only on the chain's length, never on how many entries are asked for.
 */
export function chosenAdaptations(
  sql: ReadSql,
  input: {
    clinic: string;
    targetField: AdaptationTargetField;
    key: 'document_id' | 'slug';
    values: readonly string[];
    chain: readonly string[];
    status: ContentStatus;
  },
): { sql: string; bindings: unknown[] } {
  const { clinic, targetField, key, values, chain, status } = input;
  const model = sql.model(ADAPTATION.uid);
  const column = (name: string) => `x.${sql.quote(columnOf(model.uid, model.field(name)))}`;
  const target = column(targetField);
  const named =
    key === 'slug'
      ? sql.isAnyOf(target)
      : `${target} in (select s."slug" from ${sql.quote(sql.model(ADAPTATION.targetFields[targetField]).tableName)} s where ${sql.isAnyOf('s."document_id"')})`;
  const where = [
    `${column(ADAPTATION.clinicField)} = ?`,
    named,
    `x."locale" in (${chain.map(() => '?').join(', ')})`,
    `x."published_at" is ${status === 'published' ? 'not null' : 'null'}`,
  ];
  return {
    sql: `select x."id" from ${sql.quote(model.tableName)} x where ${where.join(' and ')}`,
    bindings: [clinic, sql.listBinding(values), ...chain],
  };
}
