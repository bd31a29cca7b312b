/**
 * Creates a super admin from ADMIN_EMAIL / ADMIN_PASSWORD so tools, tests and newcomers reach the admin
 * without the registration screen. Development only: production admins register or are invited.
 */
import type { Core } from '@strapi/strapi';
import { emailRule } from '../content-validation/rules';
import { settings, type Settings } from '../settings';

export class AdminAccountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminAccountError';
  }
}

/** Strapi's own admin password policy, checked here so a bad value fails at start with a clear reason. */
export function passwordProblem(password: string): string | null {
  if (password.length < 8) return 'must be at least 8 characters';
  if (Buffer.byteLength(password) > 72) return 'must be at most 72 bytes';
  if (!/[a-z]/.test(password)) return 'must contain a lowercase letter';
  if (!/[A-Z]/.test(password)) return 'must contain an uppercase letter';
  if (!/\d/.test(password)) return 'must contain a digit';
  return null;
}

interface AdminUserService {
  findOneByEmail(email: string): Promise<{ id: number } | null>;
  create(attributes: Record<string, unknown>): Promise<{ id: number }>;
}

interface AdminRoleService {
  getSuperAdmin(): Promise<{ id: number } | null>;
}

/**
 * A development account's e-mail and password from their two settings, checked alike for every such
 * account: neither set → not configured; production → ignored (with `productionHint` in the log);
 * one without the other, a malformed e-mail or a weak password → AdminAccountError naming the variable.
 */
export function developmentCredentials(input: {
  strapi: Core.Strapi;
  from: Settings;
  names: { email: 'ADMIN_EMAIL' | 'ADMIN_CLINIC_EDITOR_EMAIL'; password: 'ADMIN_PASSWORD' | 'ADMIN_CLINIC_EDITOR_PASSWORD' };
  /** What the pair creates, e.g. "the development admin". */
  account: string;
  productionHint: string;
}): { email: string; password: string } | 'not-configured' | 'ignored-in-production' {
  const { strapi, from, names, account, productionHint } = input;
  const email = from[names.email] ?? '';
  const password = from[names.password] ?? '';
  if (email === '' && password === '') return 'not-configured';
  if (from.NODE_ENV === 'production') {
    strapi.log.warn(`${names.email}/${names.password} are ignored in production: ${productionHint}.`);
    return 'ignored-in-production';
  }
  if (email === '' || password === '') throw new AdminAccountError(`Set both ${names.email} and ${names.password} to create ${account}, or neither.`);
  const emailProblem = emailRule(names.email, email);
  if (emailProblem !== null) throw new AdminAccountError(emailProblem);
  const problem = passwordProblem(password);
  if (problem !== null) throw new AdminAccountError(`${names.password} ${problem}.`);
  return { email, password };
}

export type DevAdminResult = 'created' | 'exists' | 'not-configured' | 'ignored-in-production';

export async function ensureDevAdmin(strapi: Core.Strapi, from: Settings = settings()): Promise<DevAdminResult> {
  const credentials = developmentCredentials({
    strapi,
    from,
    names: { email: 'ADMIN_EMAIL', password: 'ADMIN_PASSWORD' },
    account: 'the development admin',
    productionHint: 'register the first admin at /admin instead',
  });
  if (typeof credentials === 'string') return credentials;
  const { email, password } = credentials;

  // Strapi types its services as bags of `any`; these are the calls made on them.
  const users = strapi.service('admin::user') as AdminUserService;
  const normalizedEmail = email.toLowerCase();
  if ((await users.findOneByEmail(normalizedEmail)) !== null) return 'exists';

  const superAdmin = await (strapi.service('admin::role') as AdminRoleService).getSuperAdmin();
  if (superAdmin === null) throw new AdminAccountError('The super admin role is missing; the admin plugin did not bootstrap.');
  await users.create({
    email: normalizedEmail,
    firstname: from.ADMIN_FIRSTNAME,
    lastname: from.ADMIN_LASTNAME,
    password,
    isActive: true,
    registrationToken: null,
    roles: [superAdmin.id],
  });
  strapi.log.info(`Created development admin ${normalizedEmail}.`);
  return 'created';
}
