/**
 * Content history's subscriber of the write pipeline: every Document Service write to a served type or
 * a clinic adaptation — from the admin, a command, the XLIFF import or the seed — records one version
 * per document row (locale, draft or published) it changed, in the write's own transaction (table.ts).
 *
 * Reads: the document's rows once before the write (prepare) and once after (write), each one query
 * with Strapi's populates of components and relations; only the status a write can change is read (a
 * publish reads published rows, a save drafts). `strapi.db.query` writes are not content edits (keys,
 * key uses, an adaptation's basis) and are not recorded.
 */
import type { Core } from '@strapi/strapi';
import { ADAPTATION, isServedUid } from '../../content/model';
import { publishedEffectOf, type DocumentAction, type TransactionSubscriber, type WriteChange, type WriteIntent } from '../../content/writes';
import { actorName, currentActor, type Actor } from '../actor';
import { keyOf, readDocument, versionValues, type DocumentSnapshot, type Status } from './snapshot';
import { appendVersions, type HistoryAction, type HistoryVersion } from './table';

interface Prepared {
  actor: Actor;
  statuses: Status[];
  before: DocumentSnapshot;
}

/** The commands (and the service's seed on start) whose writes are imports of content made elsewhere. */
const IMPORTERS = new Set(['cli:seed', 'cli:l10n:import', 'service:seed']);

const ACTIONS: Readonly<Record<DocumentAction, HistoryAction>> = {
  create: 'create',
  clone: 'create',
  update: 'update',
  publish: 'publish',
  unpublish: 'unpublish',
  discardDraft: 'discard',
  delete: 'delete',
};

/** The statuses a write can change: a publish or unpublish the published rows, a save or discard the drafts. */
function statusesOf(intent: Extract<WriteIntent, { source: 'document' }>): Status[] {
  if (intent.action === 'publish' || intent.action === 'unpublish') return ['published'];
  if (intent.action === 'delete' || publishedEffectOf(intent) !== null) return ['draft', 'published'];
  return ['draft'];
}

/** The rows the write itself wrote, by `locale|status` (those a publish or discard rewrote unchanged count too). */
function writtenKeys(change: WriteChange): Set<string> {
  const rows = change.uid === ADAPTATION.uid ? [...change.adaptations.before, ...change.adaptations.after] : [...change.rows.before, ...change.rows.after];
  return new Set(rows.map((row) => keyOf(row.locale, row.isPublished ? 'published' : 'draft')));
}

/** The document written; for a clone, the new one (its change names the source). */
function documentOf(change: WriteChange): string | null {
  if (change.source === 'document' && change.action === 'clone') {
    const rows = change.uid === ADAPTATION.uid ? change.adaptations.after : change.rows.after;
    return rows.find((row) => row.documentId !== change.documentId)?.documentId ?? null;
  }
  return typeof change.documentId === 'string' ? change.documentId : null;
}

export const isRecordedUid = (uid: string): boolean => isServedUid(uid) || uid === ADAPTATION.uid;

export function historyRecorder(strapi: Core.Strapi): TransactionSubscriber<Prepared> {
  return {
    name: 'content history',
    needsRows: true,

    async prepare(intent) {
      if (intent.source !== 'document' || !isRecordedUid(intent.uid)) return undefined;
      const statuses = statusesOf(intent);
      // A clone names its source: the new document has no rows before.
      const before = intent.documentId === null || intent.action === 'clone' ? new Map() : await readDocument(strapi, { uid: intent.uid, documentId: intent.documentId, statuses });
      return { actor: currentActor(strapi), statuses, before };
    },

    async write(change, { transaction, prepared }) {
      const documentId = documentOf(change);
      if (change.source !== 'document' || documentId === null) return;
      const after = await readDocument(strapi, { uid: change.uid, documentId, statuses: prepared.statuses });
      const { actor } = prepared;
      const name = actorName(actor);
      const baseAction = IMPORTERS.has(name) ? 'import' : ACTIONS[change.action];
      const written = writtenKeys(change);
      const at = Date.now();
      const versions: Array<Omit<HistoryVersion, 'id'>> = [];
      for (const key of new Set([...prepared.before.keys(), ...after.keys()])) {
        const before = prepared.before.get(key) ?? null;
        const now = after.get(key) ?? null;
        const row = (now ?? before) as NonNullable<typeof now>;
        const values = versionValues(before, now);
        const isRewritten = written.has(key) && ((change.action === 'publish' && row.status === 'published') || (change.action === 'discardDraft' && row.status === 'draft'));
        if (values.changed.length === 0 && (before === null) === (now === null) && !isRewritten) continue;
        // A create or save that publishes (status: 'published') is a publish for the published row.
        const action = baseAction !== 'import' && row.status === 'published' && (change.action === 'create' || change.action === 'update') ? 'publish' : baseAction;
        versions.push({
          uid: change.uid,
          documentId,
          locale: row.locale,
          status: row.status,
          action,
          actor: name,
          admin: actor.kind === 'admin' ? { id: actor.id, email: actor.email } : null,
          at,
          ...values,
        });
      }
      await appendVersions(strapi, transaction.trx, versions);
    },
  };
}
