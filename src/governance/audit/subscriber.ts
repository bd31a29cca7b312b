/**
 * The audit trail's subscriber of the write pipeline: each governed write appends its rows in the
 * write's own transaction (table.ts), so a committed action is always on the trail and a rolled-back
 * one never is.
 *
 * - Document Service writes to the api:: types that publish, unpublish or delete: one row; a publish of
 *   a technique or condition whose medical review differs from the one published before: one
 *   `review.changed` row more, with both (two reads before and two after, for those types only).
 * - Writes outside the Document Service, where roles, users and keys change (Strapi's admin writes its
 *   own models through `strapi.db.query`, and src/clinics/keys.ts a clinic's `accessKeys`): the
 *   pipeline's intent names the model but not the rows, so the small table concerned is read before
 *   and after the write and the two compared; nothing is recorded when nothing governed changed (a
 *   login). Permissions the service sets itself at start are not compared (see prepare). Passwords, reset tokens, names and the
 *   e-mails of the users changed are never read; key hashes neither.
 */
import type { Core } from '@strapi/strapi';
import { UIDS } from '../../content/model';
import { publishedEffectOf, type PublishedEffect, type TransactionSubscriber, type WriteChange, type WriteIntent } from '../../content/writes';
import { currentActor, type Actor } from '../actor';
import { appendAuditRow, canonicalJson, type AuditAction, type AuditEntry } from './table';

const CLINIC = UIDS.clinic;
const REVIEWED: readonly string[] = [UIDS.technique, UIDS.condition];
const REVIEW_FIELD = 'medicalReview';

const EFFECT_ACTIONS: Record<PublishedEffect, AuditAction> = { publish: 'content.published', unpublish: 'content.unpublished', delete: 'content.deleted' };

/** A medical review as published, per locale (canonical JSON without ids; 'null' when there is none). */
type Reviews = Map<string, string>;

interface KeyState {
  id: string;
  kind: string;
  expiresAt: string | null;
  revokedAt: string | null;
}
type ClinicKeys = Map<string, { slug: string; keys: KeyState[] }>;

interface RoleState {
  id: number;
  code: string;
  name: string;
  description: string | null;
}

interface PermissionState {
  role: { id: number; code: string } | null;
  /** `action subject` with its properties and conditions when it has any: what a role may do. */
  grant: string;
}

interface UserState {
  id: number;
  isActive: boolean;
  blocked: boolean;
  roles: string[];
}

type Prepared =
  | { kind: 'content'; effect: PublishedEffect; reviews: Reviews | null }
  | { kind: 'keys'; before: ClinicKeys }
  | { kind: 'roles'; before: RoleState[] }
  | { kind: 'permissions'; before: PermissionState[] }
  | { kind: 'users'; before: UserState[] };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function withoutIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIds);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'id').map(([key, item]) => [key, withoutIds(item)]));
  return value;
}

async function publishedReviews(strapi: Core.Strapi, uid: string, documentId: string): Promise<Reviews> {
  const rows = (await strapi.db.query(uid).findMany({
    where: { documentId, publishedAt: { $notNull: true } } as never,
    select: ['id', 'locale'],
    populate: { [REVIEW_FIELD]: true } as never,
  })) as Array<Record<string, unknown>>;
  return new Map(rows.map((row) => [String(row.locale), canonicalJson(withoutIds(row[REVIEW_FIELD] ?? null))]));
}

async function clinicKeys(strapi: Core.Strapi): Promise<ClinicKeys> {
  const rows = (await strapi.db.query(CLINIC).findMany({ select: ['documentId', 'slug', 'accessKeys'] })) as Array<{ documentId: string; slug: string; accessKeys: unknown }>;
  const clinics: ClinicKeys = new Map();
  for (const row of rows) {
    // Keys live on every row of a clinic (keys.ts): one row tells them.
    if (clinics.has(row.documentId)) continue;
    const keys = Array.isArray(row.accessKeys) ? (row.accessKeys as unknown[]).filter(isRecord) : [];
    clinics.set(row.documentId, {
      slug: row.slug,
      // Never the hash.
      keys: keys.map((key) => ({
        id: String(key.id),
        kind: String(key.kind),
        expiresAt: typeof key.expiresAt === 'string' ? key.expiresAt : null,
        revokedAt: typeof key.revokedAt === 'string' ? key.revokedAt : null,
      })),
    });
  }
  return clinics;
}

async function roles(strapi: Core.Strapi): Promise<RoleState[]> {
  return (await strapi.db.query('admin::role').findMany({ select: ['id', 'code', 'name', 'description'] })) as RoleState[];
}

async function permissions(strapi: Core.Strapi): Promise<PermissionState[]> {
  const rows = (await strapi.db.query('admin::permission').findMany({
    select: ['action', 'subject', 'properties', 'conditions'],
    populate: { role: { select: ['id', 'code'] } } as never,
  })) as Array<{ action: string; subject: string | null; properties: unknown; conditions: unknown; role: { id: number; code: string } | null }>;
  return rows.map((row) => {
    const conditions = Array.isArray(row.conditions) && row.conditions.length > 0 ? ` conditions=${canonicalJson(row.conditions)}` : '';
    const properties = isRecord(row.properties) && Object.keys(row.properties).length > 0 ? ` properties=${canonicalJson(row.properties)}` : '';
    return { role: row.role, grant: `${row.action}${row.subject === null ? '' : ` ${row.subject}`}${properties}${conditions}` };
  });
}

async function users(strapi: Core.Strapi): Promise<UserState[]> {
  // Only what governs access: no e-mail, name, password or reset token is read.
  const rows = (await strapi.db.query('admin::user').findMany({
    select: ['id', 'isActive', 'blocked'],
    populate: { roles: { select: ['code'] } } as never,
  })) as Array<{ id: number; isActive: boolean | null; blocked: boolean | null; roles?: Array<{ code: string }> }>;
  return rows.map((row) => ({ id: row.id, isActive: row.isActive === true, blocked: row.blocked === true, roles: (row.roles ?? []).map((role) => role.code).sort() }));
}

const ADMIN_MODELS: Record<string, 'roles' | 'permissions' | 'users'> = { 'admin::role': 'roles', 'admin::permission': 'permissions', 'admin::user': 'users' };

const noTarget = (uid: string) => ({ uid, documentId: null, locale: null });

function keyEntries(actor: Actor, before: ClinicKeys, after: ClinicKeys): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const [documentId, clinic] of after) {
    const known = new Map((before.get(documentId)?.keys ?? []).map((key) => [key.id, key]));
    // A clinic created or deleted is a content write, recorded as one; only keys of a clinic on both sides are compared.
    if (!before.has(documentId)) continue;
    for (const key of clinic.keys) {
      const previous = known.get(key.id);
      const target = { uid: CLINIC, documentId, locale: null };
      const details = { clinic: clinic.slug, keyId: key.id, kind: key.kind, expiresAt: key.expiresAt };
      if (previous === undefined) entries.push({ actor, action: 'key.created', target, details });
      if (key.revokedAt !== null && (previous === undefined || previous.revokedAt === null)) entries.push({ actor, action: 'key.revoked', target, details: { ...details, revokedAt: key.revokedAt } });
    }
  }
  return entries;
}

function roleEntries(actor: Actor, before: RoleState[], after: RoleState[]): AuditEntry[] {
  const entries: AuditEntry[] = [];
  const was = new Map(before.map((role) => [role.id, role]));
  const is = new Map(after.map((role) => [role.id, role]));
  for (const role of after) {
    const previous = was.get(role.id);
    if (previous === undefined) {
      entries.push({ actor, action: 'role.created', target: noTarget('admin::role'), details: { roleId: role.id, code: role.code, name: role.name } });
      continue;
    }
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    for (const field of ['code', 'name', 'description'] as const) if (previous[field] !== role[field]) changes[field] = { before: previous[field], after: role[field] };
    if (Object.keys(changes).length > 0) entries.push({ actor, action: 'role.updated', target: noTarget('admin::role'), details: { roleId: role.id, code: role.code, changes } });
  }
  for (const role of before) {
    if (!is.has(role.id)) entries.push({ actor, action: 'role.deleted', target: noTarget('admin::role'), details: { roleId: role.id, code: role.code, name: role.name } });
  }
  return entries;
}

/** Per role: the grants added and removed (compared by what they grant, not by row: Strapi re-creates rows). */
function permissionEntries(actor: Actor, before: PermissionState[], after: PermissionState[]): AuditEntry[] {
  const byRole = (states: PermissionState[]) => {
    const grouped = new Map<number, { code: string; grants: Set<string> }>();
    for (const state of states) {
      if (state.role === null) continue;
      const group = grouped.get(state.role.id) ?? { code: state.role.code, grants: new Set<string>() };
      group.grants.add(state.grant);
      grouped.set(state.role.id, group);
    }
    return grouped;
  };
  const was = byRole(before);
  const is = byRole(after);
  const entries: AuditEntry[] = [];
  for (const roleId of [...new Set([...was.keys(), ...is.keys()])].sort((a, b) => a - b)) {
    const previous = was.get(roleId)?.grants ?? new Set<string>();
    const current = is.get(roleId)?.grants ?? new Set<string>();
    const added = [...current].filter((grant) => !previous.has(grant)).sort();
    const removed = [...previous].filter((grant) => !current.has(grant)).sort();
    if (added.length === 0 && removed.length === 0) continue;
    const code = is.get(roleId)?.code ?? was.get(roleId)?.code ?? null;
    entries.push({ actor, action: 'role.permissions.changed', target: noTarget('admin::role'), details: { roleId, code, added, removed } });
  }
  return entries;
}

function userEntries(actor: Actor, before: UserState[], after: UserState[]): AuditEntry[] {
  const entries: AuditEntry[] = [];
  const was = new Map(before.map((user) => [user.id, user]));
  const is = new Set(after.map((user) => user.id));
  for (const user of after) {
    const previous = was.get(user.id);
    if (previous === undefined) {
      entries.push({ actor, action: 'user.created', target: noTarget('admin::user'), details: { userId: user.id, roles: user.roles, isActive: user.isActive } });
      continue;
    }
    const changes: Record<string, unknown> = {};
    const added = user.roles.filter((role) => !previous.roles.includes(role));
    const removed = previous.roles.filter((role) => !user.roles.includes(role));
    if (added.length > 0 || removed.length > 0) changes.roles = { added, removed };
    if (previous.isActive !== user.isActive) changes.isActive = { before: previous.isActive, after: user.isActive };
    if (previous.blocked !== user.blocked) changes.blocked = { before: previous.blocked, after: user.blocked };
    if (Object.keys(changes).length > 0) entries.push({ actor, action: 'user.updated', target: noTarget('admin::user'), details: { userId: user.id, ...changes } });
  }
  for (const user of before) if (!is.has(user.id)) entries.push({ actor, action: 'user.deleted', target: noTarget('admin::user'), details: { userId: user.id, roles: user.roles } });
  return entries;
}

/** The written versions' locales: the row's when one, else null with every locale in the details. */
function localesOf(change: WriteChange): string[] {
  const versions = [...change.rows.before, ...change.rows.after, ...change.adaptations.before, ...change.adaptations.after];
  // The published versions a publish or unpublish is about; for a delete of drafts, the drafts.
  const published = versions.filter((row) => row.isPublished);
  const written = published.length > 0 ? published : versions;
  return [...new Set(written.map((row) => row.locale).filter((locale): locale is string => locale !== null))].sort();
}

async function contentEntries(strapi: Core.Strapi, change: WriteChange, prepared: Extract<Prepared, { kind: 'content' }>, actor: Actor): Promise<AuditEntry[]> {
  const documentId = change.documentId ?? null;
  const locales = localesOf(change);
  const locale = locales.length === 1 ? (locales[0] as string) : null;
  const entries: AuditEntry[] = [
    { actor, action: EFFECT_ACTIONS[prepared.effect], target: { uid: change.uid, documentId, locale }, details: locale === null && locales.length > 0 ? { locales } : {} },
  ];
  if (prepared.reviews === null || documentId === null) return entries;
  const after = await publishedReviews(strapi, change.uid, documentId);
  for (const [reviewLocale, review] of after) {
    const previous = prepared.reviews.get(reviewLocale) ?? 'null';
    if (previous === review) continue;
    entries.push({
      actor,
      action: 'review.changed',
      target: { uid: change.uid, documentId, locale: reviewLocale },
      details: { before: JSON.parse(previous) as unknown, after: JSON.parse(review) as unknown },
    });
  }
  return entries;
}

export function auditSubscriber(strapi: Core.Strapi): TransactionSubscriber<Prepared> {
  return {
    name: 'audit trail',
    // The rows tell a publish's locales; the change feed reads them anyway.
    needsRows: true,

    async prepare(intent: WriteIntent): Promise<Prepared | undefined> {
      if (intent.source === 'document') {
        const effect = publishedEffectOf(intent);
        if (effect === null || !intent.uid.startsWith('api::')) return undefined;
        const hasReview = effect === 'publish' && REVIEWED.includes(intent.uid) && intent.documentId !== null;
        return { kind: 'content', effect, reviews: hasReview ? await publishedReviews(strapi, intent.uid, intent.documentId as string) : null };
      }
      // Keys change by updates (keys.ts); a clinic created outside the Document Service has none to compare.
      if (intent.uid === CLINIC) return intent.action.startsWith('create') ? undefined : { kind: 'keys', before: await clinicKeys(strapi) };
      const model = ADMIN_MODELS[intent.uid];
      if (model === 'roles') return { kind: 'roles', before: await roles(strapi) };
      // Permissions set by the service itself follow the deployed code (Strapi gives the super admin every
      // permission at start, the Clinic editor role is converged to src/clinics/editors): hundreds of writes
      // on a new database, each reading the table twice. What admins and commands change is recorded.
      if (model === 'permissions') return currentActor(strapi).kind === 'service' ? undefined : { kind: 'permissions', before: await permissions(strapi) };
      if (model === 'users') return { kind: 'users', before: await users(strapi) };
      return undefined;
    },

    async write(change, { transaction, prepared }) {
      const actor = currentActor(strapi);
      let entries: AuditEntry[];
      if (prepared.kind === 'content') entries = await contentEntries(strapi, change, prepared, actor);
      else if (prepared.kind === 'keys') entries = keyEntries(actor, prepared.before, await clinicKeys(strapi));
      else if (prepared.kind === 'roles') entries = roleEntries(actor, prepared.before, await roles(strapi));
      else if (prepared.kind === 'permissions') entries = permissionEntries(actor, prepared.before, await permissions(strapi));
      else entries = userEntries(actor, prepared.before, await users(strapi));
      for (const entry of entries) await appendAuditRow(strapi, transaction.trx, entry);
    },
  };
}
