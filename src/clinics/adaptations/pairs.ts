/**
 * One adaptation per clinic and entry, also when two editors create one at the same moment. The
 * Document Service middleware checks before the write (checks.ts), outside its transaction, so two
 * concurrent creates could both pass; and the pair is not a unique column (an adaptation has a row per
 * locale and state). This subscriber of the write pipeline checks again inside the write's
 * transaction, after it wrote, while holding a transaction lock (PostgreSQL's
 * pg_advisory_xact_lock; SQLite runs one write transaction at a time): the second of two concurrent
 * writes waits for the first to commit, then sees it and is refused with the same 400.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Knex } from 'knex';
import { ADAPTATION, type AdaptationTargetField } from '../../content/model';
import type { TransactionSubscriber } from '../../content/writes';
import { otherAdaptation, pairIssue } from './checks';

/** The advisory lock's key: any constant no other lock of the service uses (boot-lock.ts has its own). */
const PAIR_LOCK_ID = 4_216_370_311;
const WRITING_ACTIONS = new Set(['create', 'update', 'clone', 'publish', 'createMany', 'updateMany']);

export function adaptationPairSubscriber(strapi: Core.Strapi): TransactionSubscriber<true> {
  return {
    name: 'one adaptation per clinic and entry',
    needsRows: true,
    async prepare(intent) {
      if (intent.uid !== ADAPTATION.uid || !WRITING_ACTIONS.has(intent.action)) return undefined;
      if (strapi.db.dialect.client === 'postgres') {
        // Joins the write's transaction: the lock is held until it commits or rolls back.
        await strapi.db.transaction(async ({ trx }: { trx: Knex.Transaction }) => trx.raw('SELECT pg_advisory_xact_lock(?)', [PAIR_LOCK_ID]));
      }
      return true;
    },
    async write(change) {
      for (const row of change.adaptations.after) {
        if (row.clinic === null || row.target === null) continue;
        const field = (Object.keys(ADAPTATION.targetFields) as AdaptationTargetField[]).find((name) => ADAPTATION.targetFields[name] === row.target?.uid);
        if (field === undefined) continue;
        const target = { field, slug: row.target.slug };
        const other = await otherAdaptation(strapi, { clinic: row.clinic, target, documentId: row.documentId });
        if (other === null) continue;
        const issue = pairIssue({ clinic: row.clinic, target, other });
        throw new errors.ValidationError(issue.message, { errors: [{ path: issue.path.map(String), message: issue.message, name: 'ValidationError' }] });
      }
    },
  };
}

