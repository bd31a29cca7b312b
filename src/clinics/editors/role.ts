/**
 * The "Clinic editor" admin role, made with Strapi's own RBAC (its role and permission services and
 * condition provider, none of them licence-checked in Community Edition): created at every start if
 * missing, and its permissions converged to exactly the set below, so an administrator who widened
 * or narrowed it in Settings → Roles finds it reset at the next start (and the log says so). The role
 * is part of the product's promise (a clinic's staff cannot touch vetted content or another clinic),
 * so its rights are code, reviewed and tested, not settings.
 *
 * What a clinic editor may do, all locales:
 * - clinic adaptations: read, create, update, publish (and unpublish), delete, every field, when the
 *   adaptation's clinic is one of theirs;
 * - clinics: read the name, slug and contact fields, update the contact fields, publish, when the
 *   clinic is one of theirs (keys, webhook URL and secret, locales, offering, editors stay hidden);
 * - techniques and conditions: read only (the vetted text they adapt, drafts included), every field;
 * - nothing else: no other content type, no media library, no settings, users, roles, tokens or webhooks.
 * The content manager applies these conditions neither on create nor to an update's new values:
 * middleware.ts and body.ts refuse those writes.
 */
import type { Core } from '@strapi/strapi';
import { ADAPTATION, localeCodes, UIDS } from '../../content/model';
import { CLINIC_EDITOR_ROLE, clinicsOfEmail } from './links';

/** The clinic's fields a clinic editor may change (schema.json of api::clinic.clinic). */
export const CONTACT_FIELDS = ['phone', 'email', 'website', 'bookingUrl', 'address'] as const;
/** The clinic's fields a clinic editor sees besides the contact fields: which clinic it is. */
const IDENTITY_FIELDS = ['name', 'slug'] as const;

const EXPLORER = 'plugin::content-manager.explorer';
const action = (verb: 'read' | 'create' | 'update' | 'delete' | 'publish') => `${EXPLORER}.${verb}`;

/** Condition ids as Strapi computes them for conditions registered without a plugin (`api::<name>`). */
export const CONDITIONS = {
  ownAdaptation: 'api::is-own-clinic-adaptation',
  ownClinic: 'api::is-own-clinic',
} as const;

interface AdminUser {
  email?: string | null;
}

interface ConditionDefinition {
  name: string;
  displayName: string;
  category: string;
  handler: (user: AdminUser) => Promise<Record<string, unknown>>;
}

export interface AdminPermission {
  id?: number | string;
  action: string;
  subject: string | null;
  properties: Record<string, unknown>;
  conditions: string[];
  actionParameters?: Record<string, unknown>;
}

interface AdminRole {
  id: number;
  name: string;
  code: string;
  description?: string | null;
}

// Strapi types its admin services as bags of `any`; these are the calls made on them.
interface PermissionService {
  conditionProvider: { has(id: string): boolean; register(condition: ConditionDefinition): Promise<unknown> };
  actionProvider: { get(actionId: string): { options?: { applyToProperties?: string[] } } | undefined };
  findMany(params: { where: Record<string, unknown> }): Promise<AdminPermission[]>;
}

interface RoleService {
  findOne(where: Record<string, unknown>): Promise<AdminRole | null>;
  create(attributes: { name: string; code: string; description: string }): Promise<AdminRole>;
  update(where: { id: number }, attributes: { name: string; description: string }): Promise<AdminRole>;
  assignPermissions(roleId: number, permissions: AdminPermission[]): Promise<unknown>;
}

interface ContentTypeService {
  getNestedFields(model: unknown, options: { components: unknown }): string[];
}

const permissionService = (strapi: Core.Strapi) => strapi.service('admin::permission') as PermissionService;
const roleService = (strapi: Core.Strapi) => strapi.service('admin::role') as RoleService;

export class ClinicEditorRoleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClinicEditorRoleError';
  }
}

/**
 * Registers the role's conditions with Strapi's condition provider. Strapi accepts conditions only
 * until it has loaded: call it in bootstrap(). (Strapi clears the provider when it is destroyed.)
 */
export async function registerClinicEditorConditions(strapi: Core.Strapi): Promise<void> {
  const { conditionProvider } = permissionService(strapi);
  const definitions: Array<ConditionDefinition & { id: string }> = [
    {
      id: CONDITIONS.ownAdaptation,
      name: 'is-own-clinic-adaptation',
      displayName: "Is an adaptation of one of the user's clinics",
      category: 'Clinic editors',
      handler: async (user) => ({ [ADAPTATION.clinicField]: { $in: await clinicsOfEmail(strapi, user.email) } }),
    },
    {
      id: CONDITIONS.ownClinic,
      name: 'is-own-clinic',
      displayName: "Is one of the user's clinics",
      category: 'Clinic editors',
      handler: async (user) => ({ slug: { $in: await clinicsOfEmail(strapi, user.email) } }),
    },
  ];
  for (const { id, ...definition } of definitions) {
    if (!conditionProvider.has(id)) await conditionProvider.register(definition);
  }
}

/** Every field path of a type the admin can grant (components' fields as `address.street`). */
function fieldPaths(strapi: Core.Strapi, uid: string): string[] {
  const service = strapi.service('admin::content-type') as ContentTypeService;
  return service.getNestedFields(strapi.contentTypes[uid as keyof typeof strapi.contentTypes], { components: strapi.components });
}

function pathsUnder(paths: readonly string[], fields: readonly string[]): string[] {
  return paths.filter((path) => fields.includes(path.split('.')[0] ?? ''));
}

/** The exact permissions of the role (what the admin stores per permission). */
export async function clinicEditorPermissions(strapi: Core.Strapi): Promise<AdminPermission[]> {
  const clinicAttributes = Object.keys(strapi.contentTypes[UIDS.clinic]?.attributes ?? {});
  const missing = [...CONTACT_FIELDS, ...IDENTITY_FIELDS].filter((field) => !clinicAttributes.includes(field));
  if (missing.length > 0) throw new ClinicEditorRoleError(`The clinic has no field ${missing.join(', ')}: update CONTACT_FIELDS in src/clinics/editors/role.ts.`);
  const locales = [...(await localeCodes(strapi))].sort();
  const { actionProvider } = permissionService(strapi);
  const grant = (input: { verb: Parameters<typeof action>[0]; subject: string; fields?: string[]; condition?: string }): AdminPermission => {
    const actionId = action(input.verb);
    const applies = actionProvider.get(actionId)?.options?.applyToProperties ?? [];
    const properties: Record<string, unknown> = {};
    if (applies.includes('fields')) properties.fields = input.fields ?? fieldPaths(strapi, input.subject);
    if (applies.includes('locales')) properties.locales = locales;
    return { action: actionId, subject: input.subject, properties, conditions: input.condition === undefined ? [] : [input.condition], actionParameters: {} };
  };
  const clinicPaths = fieldPaths(strapi, UIDS.clinic);
  return [
    ...(['read', 'create', 'update', 'delete', 'publish'] as const).map((verb) => grant({ verb, subject: ADAPTATION.uid, condition: CONDITIONS.ownAdaptation })),
    grant({ verb: 'read', subject: UIDS.clinic, fields: pathsUnder(clinicPaths, [...IDENTITY_FIELDS, ...CONTACT_FIELDS]), condition: CONDITIONS.ownClinic }),
    grant({ verb: 'update', subject: UIDS.clinic, fields: pathsUnder(clinicPaths, CONTACT_FIELDS), condition: CONDITIONS.ownClinic }),
    grant({ verb: 'publish', subject: UIDS.clinic, condition: CONDITIONS.ownClinic }),
    grant({ verb: 'read', subject: UIDS.technique }),
    grant({ verb: 'read', subject: UIDS.condition }),
  ];
}

/** A permission as compared: what Strapi compares (action, subject, properties, conditions, parameters), lists in order. */
function permissionKey(permission: AdminPermission): string {
  const sortLists = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortLists).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([key, inner]) => [key, sortLists(inner)]));
    }
    return value;
  };
  const { action: actionId, subject, properties, conditions, actionParameters } = permission;
  return JSON.stringify(sortLists({ action: actionId, subject, properties: properties ?? {}, conditions: conditions ?? [], actionParameters: actionParameters ?? {} }));
}

export type RoleOutcome = 'created' | 'reset' | 'unchanged';

/** Creates the role if missing and converges its name, description and permissions to the code's. */
export async function ensureClinicEditorRole(strapi: Core.Strapi): Promise<RoleOutcome> {
  const roles = roleService(strapi);
  const { code, name, description } = CLINIC_EDITOR_ROLE;
  let role = await roles.findOne({ code });
  const isNew = role === null;
  if (role === null) {
    const namesake = await roles.findOne({ name });
    if (namesake !== null) {
      throw new ClinicEditorRoleError(`An admin role named "${name}" exists that is not the built-in clinic editor role: rename it in Settings → Administration panel → Roles, then start again.`);
    }
    role = await roles.create({ name, code, description });
  } else if (role.name !== name || role.description !== description) {
    await roles.update({ id: role.id }, { name, description });
    strapi.log.warn(`Restored the name and description of the admin role "${name}" (it was "${role.name}"): the role is defined in src/clinics/editors/role.ts.`);
  }

  const desired = await clinicEditorPermissions(strapi);
  const stored = await permissionService(strapi).findMany({ where: { role: { id: role.id } } });
  const desiredKeys = new Set(desired.map(permissionKey));
  const storedKeys = new Set(stored.map(permissionKey));
  const added = desired.filter((permission) => !storedKeys.has(permissionKey(permission))).length;
  const removed = stored.filter((permission) => !desiredKeys.has(permissionKey(permission))).length;
  if (added === 0 && removed === 0 && stored.length === desired.length) return isNew ? 'created' : 'unchanged';
  await roles.assignPermissions(role.id, desired);
  if (isNew) {
    strapi.log.info(`Created the admin role "${name}" with its ${desired.length} permissions.`);
    return 'created';
  }
  strapi.log.warn(
    `Reset the permissions of the admin role "${name}" to the built-in set (${added} added, ${removed} removed): its rights are defined in src/clinics/editors/role.ts, not in Settings → Roles.`,
  );
  return 'reset';
}
