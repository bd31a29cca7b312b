/**
 * The content manager's list and edit views for editors: useful list columns and sort, and edit views
 * that group related fields in rows (what the entry is; the article; its lists; review and SEO; links).
 *
 * Admins may rearrange a view in the admin afterwards ("Configure the view"); we do not undo that on
 * every start. Each type's layout carries a version, and the version last applied is kept in Strapi's
 * store: a layout is written on the first start and again only when its version in code is raised.
 * Raise `version` whenever you change a layout here.
 */
import type { Core } from '@strapi/strapi';
import { ADAPTABLE_MODELS, ADAPTATION, contentManagerViews, UIDS, type ContentManagerModel, type ContentManagerViews } from '../content/model';

export interface EditCell {
  name: string;
  /** Columns out of 12; components, JSON and rich text always take the whole row (12). */
  size: number;
}

export interface EditGroup {
  /** What the rows have in common; for readers of this file (Strapi's edit view has no group headings). */
  group: string;
  rows: EditCell[][];
}

export interface EditorLayout {
  version: number;
  /** List view columns, in order. */
  list: string[];
  settings: { mainField: string; defaultSortBy: string; defaultSortOrder: 'ASC' | 'DESC'; pageSize: number };
  edit: EditGroup[];
  /** Fields the service writes and editors never do: kept off the edit view. */
  hidden?: readonly string[];
}

const half = (name: string): EditCell => ({ name, size: 6 });
const whole = (name: string): EditCell => ({ name, size: 12 });
const byName = { mainField: 'name', defaultSortBy: 'name', defaultSortOrder: 'ASC', pageSize: 20 } as const;

/** Provider types and benefits: a name, a slug, a summary and the techniques that list them. */
const listedWithTechniques: EditorLayout = {
  version: 1,
  list: ['name', 'slug', 'updatedAt'],
  settings: byName,
  edit: [
    { group: 'Identity', rows: [[half('name'), half('slug')], [whole('summary')]] },
    { group: 'Links', rows: [[half('techniques')]] },
  ],
};

/** The fields an adaptation overrides, in the order the registry's types list them. */
const ADAPTATION_OVERRIDES = [...new Set(ADAPTABLE_MODELS.flatMap((model) => model.adaptable))];

export const EDITOR_LAYOUTS: Readonly<Record<string, EditorLayout>> = {
  [UIDS.technique]: {
    version: 1,
    list: ['name', 'abbreviation', 'slug', 'updatedAt'],
    settings: byName,
    edit: [
      { group: 'Identity', rows: [[half('name'), half('abbreviation')], [half('slug'), half('summary')]] },
      {
        group: 'Article',
        rows: [
          [whole('intro')],
          [whole('goal')],
          [whole('howItWorks')],
          [whole('procedureOverview')],
          [whole('procedure')],
          [half('treatmentCourse'), half('providerNote')],
        ],
      },
      { group: 'Lists', rows: [[whole('assessments')], [whole('progressMeasures')], [whole('faqs')], [whole('callToAction')]] },
      { group: 'Medical review and SEO', rows: [[whole('medicalReview')], [whole('seo')]] },
      { group: 'Links', rows: [[half('treats'), half('causes')], [half('providerTypes'), half('benefits')]] },
    ],
  },
  [UIDS.condition]: {
    version: 1,
    list: ['name', 'slug', 'updatedAt'],
    settings: byName,
    edit: [
      { group: 'Identity', rows: [[half('name'), half('slug')], [whole('summary')]] },
      { group: 'Article', rows: [[whole('description')], [whole('symptoms')]] },
      { group: 'Medical review and SEO', rows: [[whole('medicalReview')], [whole('seo')]] },
      { group: 'Links', rows: [[half('causes'), half('techniques')]] },
    ],
  },
  [UIDS.cause]: {
    version: 1,
    list: ['name', 'slug', 'updatedAt'],
    settings: byName,
    edit: [
      { group: 'Identity', rows: [[half('name'), half('slug')], [whole('summary')]] },
      { group: 'Article', rows: [[whole('description')]] },
      { group: 'Links', rows: [[half('conditions'), half('techniques')]] },
    ],
  },
  [UIDS.providerType]: listedWithTechniques,
  [UIDS.benefit]: listedWithTechniques,
  [UIDS.clinic]: {
    version: 3,
    list: ['name', 'slug', 'email', 'phone', 'updatedAt'],
    settings: byName,
    edit: [
      { group: 'Identity', rows: [[half('name'), half('slug')], [whole('description')]] },
      { group: 'Contact', rows: [[half('phone'), half('email')], [half('website'), half('bookingUrl')], [whole('address')]] },
      { group: 'Published locales', rows: [[whole('locales')]] },
      { group: 'Page paths on the clinic\'s site', rows: [[half('techniquePathTemplate'), half('conditionPathTemplate')]] },
      { group: 'Offering', rows: [[half('offeredTechniques'), half('providerTypes')]] },
      { group: 'API access', rows: [[{ name: 'rateLimitPerMinute', size: 4 }]] },
      { group: 'Site revalidation', rows: [[half('revalidationUrl'), half('revalidationSecret')]] },
      { group: 'Clinic editors', rows: [[whole('editors')]] },
    ],
  },
  [ADAPTATION.uid]: {
    version: 1,
    list: [ADAPTATION.clinicField, ...Object.keys(ADAPTATION.targetFields), 'updatedAt'],
    settings: { mainField: ADAPTATION.clinicField, defaultSortBy: ADAPTATION.clinicField, defaultSortOrder: 'ASC', pageSize: 20 },
    edit: [
      { group: 'What is adapted', rows: [[half(ADAPTATION.clinicField)], Object.keys(ADAPTATION.targetFields).map(half)] },
      { group: 'Overrides', rows: ADAPTATION_OVERRIDES.map((field) => [whole(field)]) },
      { group: "The clinic's own", rows: ADAPTATION.ownFields.map((field) => [whole(field)]) },
      { group: 'Hidden entries', rows: [[whole(ADAPTATION.hiddenField)]] },
    ],
    hidden: [ADAPTATION.basisField],
  },
};

/** The edit layout's rows as Strapi stores them. */
export function editRows(layout: EditorLayout): EditCell[][] {
  return layout.edit.flatMap((group) => group.rows);
}

// ---------------------------------------------------------------- applying

type FieldSizes = ContentManagerViews['fieldSizes'];

const STORE = { type: 'plugin', name: 'clinic-editor', key: 'layout-versions' } as const;
const ROW_COLUMNS = 12;
/** Fields the content manager lists and edits by itself, or not at all. */
const SYSTEM_FIELDS = new Set(['id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy']);
/** Types the list view cannot show as a column (the content manager refuses them). */
const NOT_LISTABLE = new Set(['json', 'password', 'richtext', 'dynamiczone', 'blocks']);

/** The fields an edit view shows: the content manager's own rule (visible, not system, not hidden), less the layout's hidden ones. */
function editableFields(model: ContentManagerModel, layout: EditorLayout): string[] {
  return Object.keys(model.attributes).filter(
    (name) => !SYSTEM_FIELDS.has(name) && model.config?.attributes?.[name]?.hidden !== true && !(layout.hidden ?? []).includes(name),
  );
}

export class LayoutError extends Error {
  constructor(uid: string, message: string) {
    super(`Editor layout of ${uid}: ${message} (src/editor-help/layouts.ts)`);
    this.name = 'LayoutError';
  }
}

/**
 * The layout as the content manager will accept it: our mistakes (a size a field cannot take, a row
 * over 12 columns, a column the list cannot show) stop the start; fields the schema lacks are left
 * out and fields the layout forgot are added at the end, so no field ever disappears from the view.
 */
function resolveLayout(input: { uid: string; layout: EditorLayout; model: ContentManagerModel; sizes: FieldSizes }): {
  list: string[];
  edit: EditCell[][];
  notes: string[];
} {
  const { uid, layout, model, sizes } = input;
  const editable = editableFields(model, layout);
  const notes: string[] = [];
  const placed = new Set<string>();
  const edit: EditCell[][] = [];
  for (const row of editRows(layout)) {
    const cells: EditCell[] = [];
    for (const cell of row) {
      const attribute = model.attributes[cell.name];
      if (attribute === undefined || !editable.includes(cell.name)) {
        notes.push(`left out ${cell.name}, which the schema does not have (or hides from editors)`);
        continue;
      }
      if (placed.has(cell.name)) throw new LayoutError(uid, `${cell.name} is placed twice`);
      const size = sizes.getFieldSize(attribute.type);
      if (cell.size > ROW_COLUMNS || cell.size < 1 || (!size.isResizable && cell.size !== size.default)) {
        throw new LayoutError(uid, `${cell.name} (${attribute.type}) cannot be ${cell.size} columns wide`);
      }
      placed.add(cell.name);
      cells.push(cell);
    }
    if (cells.reduce((sum, cell) => sum + cell.size, 0) > ROW_COLUMNS) {
      throw new LayoutError(uid, `the row ${cells.map((cell) => cell.name).join(', ')} is wider than ${ROW_COLUMNS} columns`);
    }
    if (cells.length > 0) edit.push(cells);
  }
  for (const name of editable.filter((field) => !placed.has(field))) {
    notes.push(`added ${name}, which the layout does not place`);
    edit.push([{ name, size: sizes.getFieldSize((model.attributes[name] as { type: string }).type).default }]);
  }
  const list = layout.list.filter((name) => {
    const attribute = model.attributes[name];
    if (attribute === undefined) {
      notes.push(`left out list column ${name}, which the schema does not have`);
      return false;
    }
    if (NOT_LISTABLE.has(attribute.type)) throw new LayoutError(uid, `${name} (${attribute.type}) cannot be a list column`);
    return true;
  });
  for (const name of [layout.settings.mainField, layout.settings.defaultSortBy]) {
    const attribute = model.attributes[name];
    if (attribute === undefined || NOT_LISTABLE.has(attribute.type)) throw new LayoutError(uid, `${name} cannot be the main field or sort field`);
  }
  return { list, edit, notes };
}

/**
 * Writes each layout whose version differs from the one last applied, keeping the view's labels and
 * help texts (apply.ts) and its other settings. Returns the types written.
 */
export async function applyEditorLayouts(
  strapi: Core.Strapi,
  layouts: Readonly<Record<string, EditorLayout>> = EDITOR_LAYOUTS,
): Promise<string[]> {
  const { contentTypes: service, fieldSizes: sizes } = contentManagerViews(strapi);
  const applied = ((await strapi.store.get(STORE)) ?? {}) as Record<string, number>;
  const written: string[] = [];
  for (const [uid, layout] of Object.entries(layouts)) {
    if (applied[uid] === layout.version) continue;
    const model = service.findContentType(uid);
    if (model === undefined) throw new LayoutError(uid, 'no such content type');
    const { list, edit, notes } = resolveLayout({ uid, layout, model, sizes });
    for (const note of notes) strapi.log.warn(`Editor layout of ${uid}: ${note}.`);
    const current = await service.findConfiguration({ uid });
    const metadatas = { ...current.metadatas };
    for (const name of layout.hidden ?? []) {
      const existing = metadatas[name] ?? {};
      metadatas[name] = { ...existing, edit: { ...existing.edit, visible: false } };
    }
    await service.updateConfiguration(
      { uid },
      {
        settings: { ...current.settings, ...layout.settings },
        metadatas,
        layouts: { ...current.layouts, list, edit },
      },
    );
    applied[uid] = layout.version;
    written.push(uid);
  }
  if (written.length > 0) {
    await strapi.store.set({ ...STORE, value: applied });
    strapi.log.info(`Applied the editor list and edit views of ${written.map((uid) => `${uid} (version ${applied[uid]})`).join(', ')}.`);
  }
  return written;
}
