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

export type DevAdminResult = 'created' | 'exists' | 'not-configured' | 'ignored-in-production';

export async function ensureDevAdmin(strapi: Core.Strapi, from: Settings = settings()): Promise<DevAdminResult> {
  const email = from.ADMIN_EMAIL ?? '';
  const password = from.ADMIN_PASSWORD ?? '';
  if (email === '' && password === '') return 'not-configured';
  if (from.NODE_ENV === 'production') {
    strapi.log.warn('ADMIN_EMAIL/ADMIN_PASSWORD are ignored in production: register the first admin at /admin instead.');
    return 'ignored-in-production';
  }
  if (email === '' || password === '') {
    throw new AdminAccountError('Set both ADMIN_EMAIL and ADMIN_PASSWORD to create the development admin, or neither.');
  }
  const emailProblem = emailRule('ADMIN_EMAIL', email);
  if (emailProblem !== null) throw new AdminAccountError(emailProblem);
  const problem = passwordProblem(password);
  if (problem !== null) throw new AdminAccountError(`ADMIN_PASSWORD ${problem}.`);

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
