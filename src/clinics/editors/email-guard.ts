/**
 * A clinic editor's e-mail address is what links them to their clinics (links.ts), and Strapi lets
 * every admin user change their own address in their profile: one who typed the address a clinic lists
 * for an editor not yet invited would become that clinic's editor. So, in a clinic editor's request,
 * no admin user's e-mail changes; an administrator changes it in Settings → Users.
 */
import type { Core } from '@strapi/strapi';
import { ClinicEditorRefusal } from './checks';
import { normalizedEmail, requestClinicEditor } from './links';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Subscribes the guard to admin user updates (a database lifecycle: Strapi's user service writes through the query engine). */
export function guardClinicEditorEmails(strapi: Core.Strapi): void {
  strapi.db.lifecycles.subscribe({
    models: ['admin::user'],
    async beforeUpdate(event: { params: { data?: unknown } }) {
      const data = event.params.data;
      if (!isRecord(data) || !Object.hasOwn(data, 'email')) return;
      const editor = requestClinicEditor(strapi);
      if (editor === null || normalizedEmail(data.email) === normalizedEmail(editor.email)) return;
      throw new ClinicEditorRefusal(
        'ADMINISTRATOR_ONLY',
        "A clinic editor's e-mail address links them to their clinics: an administrator changes it (Settings → Users).",
      );
    },
  });
}
