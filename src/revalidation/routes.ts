/**
 * GET /editor/revalidation[?status=pending|delivered|failed] — for editors (a Strapi admin access
 * token): which clinics have a revalidation URL, and the 50 most recent deliveries, newest first, with
 * the outcome of their last attempt. Secrets are never part of the answer.
 *
 * 200 { data: { clinics: [{ slug, name, url, isConfigured }], deliveries: [{ id, clinic, url, event,
 * entries, status, attempts, lastStatus, lastError, createdAt, deliveredAt, nextAttemptAt }] } };
 * 401 UNAUTHENTICATED without an admin token; 400 BAD_USER_INPUT for another status or parameter.
 * A clinic editor sees only their clinics and their deliveries. Never cached.
 */
import type { Core } from '@strapi/strapi';
import { adminJsonRoute, RouteInputError, type AdminRequest } from '../http/admin-routes';
import { clinicRevalidationSettings, isConfigured } from './clinics';
import { DELIVERY_STATUSES, recentDeliveries, type DeliveryRow, type DeliveryStatus } from './outbox';
import type { ChangedEntry, RevalidationPayload } from './payload';

export const REVALIDATION_PATH = '/editor/revalidation';
const LIMIT = 50;

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

export function revalidationRoutes(input: { strapi: Core.Strapi; clinicsOf: (user: AdminRequest['user']) => Promise<string[] | null> }): Core.Route[] {
  const { strapi, clinicsOf } = input;
  return [
    adminJsonRoute({
      path: REVALIDATION_PATH,
      parameters: ['status'],
      load: async ({ status }, { user }) => {
        if (status !== undefined && !isStatus(status)) throw new RouteInputError(`status must be one of ${DELIVERY_STATUSES.join(', ')}.`);
        const visible = await clinicsOf(user);
        const [clinics, deliveries] = await Promise.all([clinicRevalidationSettings(strapi), recentDeliveries(strapi, { status, limit: LIMIT, clinics: visible })]);
        return {
          clinics: clinics.filter((clinic) => visible === null || visible.includes(clinic.slug)).map((clinic) => ({ slug: clinic.slug, name: clinic.name, url: clinic.url, isConfigured: isConfigured(clinic) })),
          deliveries: deliveries.map(view),
        };
      },
    }),
  ];
}
