/**
 * The drift workflow's admin routes:
 * - GET /editor/adaptations/outdated[?clinic=SLUG] — the adaptations out of date (drift.ts), for the
 *   home widget and the list's "Base" column. A clinic editor gets only their clinics' (and 403 for
 *   another clinic); other admins get every clinic's.
 * - POST /editor/adaptations/:documentId/confirm[?locale=CODE] — the clinic has checked its overrides
 *   against the new base: records it as the basis (every locale, or one), changing no content.
 *   404 for an unknown adaptation, 403 for another clinic's.
 * Admin session only (src/http/admin-routes.ts); never cached.
 */
import type { Core } from '@strapi/strapi';
import { adminJsonRoute, RouteInputError, RouteRefusal, type AdminRequest } from '../../http/admin-routes';
import type { Knex } from 'knex';
import { ADAPTATION } from '../../content/model';
import { currentActor } from '../../governance/actor';
import { appendAuditRow } from '../../governance/audit';
import { confirmAdaptation } from './basis';
import { UnknownClinicError } from './checks';
import { outdatedAdaptations } from './drift';

export const OUTDATED_PATH = '/editor/adaptations/outdated';
export const CONFIRM_PATH = '/editor/adaptations/:documentId/confirm';

/** The clinics (slugs) an admin user edits adaptations for; null: every clinic (not a clinic editor). */
export type ClinicsOfUser = (user: AdminRequest['user']) => Promise<string[] | null>;

export function adaptationRoutes(input: { strapi: Core.Strapi; clinicsOf: ClinicsOfUser }): Core.Route[] {
  const { strapi, clinicsOf } = input;

  /** The clinics a request may see: the asked one if allowed, else all the user may see. */
  async function clinicsFor(user: AdminRequest['user'], asked: string | undefined): Promise<string[] | null> {
    const allowed = await clinicsOf(user);
    if (asked === undefined) return allowed;
    if (allowed !== null && !allowed.includes(asked)) throw new RouteRefusal('FORBIDDEN', `You edit the adaptations of ${allowed.join(', ') || 'no clinic'}, not of "${asked}".`);
    return [asked];
  }

  return [
    adminJsonRoute({
      path: OUTDATED_PATH,
      parameters: ['clinic'],
      load: async ({ clinic }, { user }) => {
        try {
          return await outdatedAdaptations(strapi, { clinics: await clinicsFor(user, clinic) });
        } catch (error) {
          throw error instanceof UnknownClinicError ? new RouteInputError(error.message) : error;
        }
      },
    }),
    adminJsonRoute({
      path: CONFIRM_PATH,
      method: 'POST',
      parameters: ['locale'],
      load: async ({ locale }, { user, params }) => {
        const documentId = params.documentId ?? '';
        const row = (await strapi.db.query(ADAPTATION.uid).findOne({ where: { documentId }, select: [ADAPTATION.clinicField] })) as Record<string, unknown> | null;
        if (row === null) throw new RouteRefusal('NOT_FOUND', `There is no clinic adaptation "${documentId}".`);
        await clinicsFor(user, String(row[ADAPTATION.clinicField]));
        // The confirmation and its row on the audit trail commit together.
        const confirmed = await strapi.db.transaction(async ({ trx }: { trx: Knex.Transaction }) => {
          const result = await confirmAdaptation(strapi, { documentId, ...(locale === undefined ? {} : { locale }) });
          if (result !== null) {
            await appendAuditRow(strapi, trx, {
              actor: currentActor(strapi),
              action: 'adaptation.confirmed',
              target: { uid: ADAPTATION.uid, documentId, locale: locale ?? null },
              details: { clinic: String(row[ADAPTATION.clinicField]), locales: [...new Set(result.rows.map((confirmedRow) => confirmedRow.locale))].sort() },
            });
          }
          return result;
        });
        if (confirmed === null) throw new RouteRefusal('NOT_FOUND', `Clinic adaptation "${documentId}" has no ${locale ?? ''} version.`.replace('  ', ' '));
        return confirmed;
      },
    }),
  ];
}
