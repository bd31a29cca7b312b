/**
 * The audit trail: one hash-chained row per governed action (publishes, unpublishes, deletes, medical
 * review changes, key creation and revocation, role, permission and admin user changes, XLIFF imports,
 * adaptation confirmations), appended in the action's transaction (table.ts, subscriber.ts), read by
 * GET /editor/audit (routes.ts) and `npm run audit:export`, checked by `npm run audit:verify`.
 */
import type { Core } from '@strapi/strapi';
import { writePipeline } from '../../content/writes';
import { auditSubscriber } from './subscriber';
import { ensureAuditTable } from './table';

export { AuditInputError, auditAction, auditCsv, auditTime, auditView } from './export';
export { appendAuditRow, auditRows, recordAudit, verifyAuditChain, AUDIT_ACTIONS, AUDIT_TABLE, type AuditQuery, type AuditRow, type ChainReport } from './table';

interface Hook {
  register(handler: () => Promise<void>): unknown;
}

/**
 * In Strapi's register(), after the change feed's subscriber (both take an append lock; always in the
 * same order, so two writes never wait on each other in a circle): the subscriber, and the table right
 * after Strapi's schema sync.
 */
export function registerAudit(strapi: Core.Strapi): void {
  writePipeline(strapi).inTransaction(auditSubscriber(strapi));
  (strapi.hook('strapi::content-types.afterSync') as Hook).register(() => ensureAuditTable(strapi));
}
