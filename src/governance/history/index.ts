/**
 * Content history: every write to a served type or a clinic adaptation records a version per document,
 * locale and status (recorder.ts, in the write's transaction, into table.ts's table); editors list the
 * versions of an entry with a field-by-field diff and restore one as a new draft (restore.ts, through
 * the admin routes in routes.ts). Private fields are never stored, only the fact that they changed.
 */
import type { Core } from '@strapi/strapi';
import { writePipeline } from '../../content/writes';
import { historyRecorder } from './recorder';
import { ensureHistoryTable } from './table';

export { diffOf, restoreVersion, RestoreRefusal, type FieldDiff } from './restore';
export { documentVersions, findVersion, HISTORY_TABLE, type HistoryAction, type HistoryVersion } from './table';
export { CHANGED_MARKER } from './snapshot';
export { isRecordedUid } from './recorder';

interface Hook {
  register(handler: () => Promise<void>): unknown;
}

/** In Strapi's register(): the recorder, and its table right after Strapi's schema sync. */
export function registerHistory(strapi: Core.Strapi): void {
  writePipeline(strapi).inTransaction(historyRecorder(strapi));
  (strapi.hook('strapi::content-types.afterSync') as Hook).register(() => ensureHistoryTable(strapi));
}
