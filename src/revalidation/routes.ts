/**
 * GET /editor/revalidation[?status=pending|delivered|failed] — for editors (a Strapi admin access
 * token): which clinics have a revalidation URL, and the 50 most recent deliveries, newest first, with
 * the outcome of their last attempt. Secrets are never part of the answer.
 *
 * 200 { data: { clinics: [{ slug, name, url, isConfigured }], deliveries: [{ id, clinic, url, event,
 * entries, status, attempts, lastStatus, lastError, createdAt, deliveredAt, nextAttemptAt }] } };
 * 401 UNAUTHENTICATED without an admin token; 400 BAD_USER_INPUT for another status or parameter.
 * Never cached.
 */
import type { Core } from '@strapi/strapi';
import { bearer, isAdminToken } from '../admin-account/admin-token';
import { clinicRevalidationSettings, isConfigured } from './clinics';
import { DELIVERY_STATUSES, recentDeliveries, type DeliveryRow, type DeliveryStatus } from './outbox';
import type { ChangedEntry, RevalidationPayload } from './payload';

export const REVALIDATION_PATH = '/editor/revalidation';
const LIMIT = 50;

interface KoaContext {
  get(name: string): string;
  set(name: string, value: string): void;
  status: number;
  body: unknown;
  query: Record<string, string | string[] | undefined>;
}

export interface DeliveryView {
  id: string;
  clinic: string;
  url: string;
  event: RevalidationPayload['event'];
  entries: ChangedEntry[];
  status: DeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  /** When the next attempt is due; null once the delivery is delivered or has failed for good. */
  nextAttemptAt: string | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function view(row: DeliveryRow): DeliveryView {
  const payload = JSON.parse(row.payload) as RevalidationPayload;
  return {
    id: row.deliveryId,
    clinic: row.clinicSlug,
    url: row.url,
    event: payload.event,
    entries: payload.entries,
    status: row.status,
    attempts: row.attempts,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    createdAt: new Date(row.createdAt).toISOString(),
    deliveredAt: iso(row.deliveredAt),
    nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
  };
}

const isStatus = (value: string): value is DeliveryStatus => (DELIVERY_STATUSES as readonly string[]).includes(value);

export function revalidationRoutes(input: { strapi: Core.Strapi }) {
  const { strapi } = input;
  const answer = (ctx: KoaContext, status: number, body: unknown) => {
    ctx.status = status;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = body;
  };
  const refuse = (ctx: KoaContext, status: number, code: string, message: string) => answer(ctx, status, { error: { code, message } });
  return [
    {
      method: 'GET',
      path: REVALIDATION_PATH,
      config: { auth: false },
      handler: async (ctx: KoaContext) => {
        const token = bearer(ctx);
        if (token === null || !(await isAdminToken(strapi, token))) {
          ctx.set('WWW-Authenticate', 'Bearer');
          refuse(ctx, 401, 'UNAUTHENTICATED', 'Send the access token of an admin session as "Authorization: Bearer <token>".');
          return;
        }
        for (const name of Object.keys(ctx.query)) {
          if (name !== 'status') {
            refuse(ctx, 400, 'BAD_USER_INPUT', `Unknown parameter "${name}"; the list takes only status.`);
            return;
          }
        }
        const status = ctx.query.status;
        if (status !== undefined && (Array.isArray(status) || !isStatus(status))) {
          refuse(ctx, 400, 'BAD_USER_INPUT', `status must be given once, as one of ${DELIVERY_STATUSES.join(', ')}.`);
          return;
        }
        const [clinics, deliveries] = await Promise.all([clinicRevalidationSettings(strapi), recentDeliveries(strapi, { status, limit: LIMIT })]);
        answer(ctx, 200, {
          data: {
            clinics: clinics.map((clinic) => ({ slug: clinic.slug, name: clinic.name, url: clinic.url, isConfigured: isConfigured(clinic) })),
            deliveries: deliveries.map(view),
          },
        });
      },
    },
  ];
}
