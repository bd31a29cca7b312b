/**
 * Reading the audit trail for people: the filters the export command and GET /editor/audit share
 * (dates checked once, here), and the rows as JSON or CSV.
 */
import { AUDIT_ACTIONS, type AuditRow } from './table';

/** A filter a caller got wrong: the command exits 2 with it, the route answers 400 BAD_USER_INPUT. */
export class AuditInputError extends Error {}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** `2026-11-01` (midnight UTC) or an ISO date-time with Z or an offset → the row time it compares with (UTC, ms). */
export function auditTime(name: string, text: string): string {
  const value = text.trim();
  const isDate = ISO_DATE.test(value);
  if (!isDate && !ISO_DATE_TIME.test(value)) {
    throw new AuditInputError(`${name} takes an ISO date (2026-11-01, midnight UTC) or date-time with Z or an offset (2026-11-01T08:00:00Z), not "${text}".`);
  }
  const date = new Date(isDate ? `${value}T00:00:00Z` : value);
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (Number.isNaN(date.getTime()) || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) throw new AuditInputError(`${name}: "${text}" is not a real date.`);
  return date.toISOString();
}

export function auditAction(text: string): string {
  if (!(AUDIT_ACTIONS as readonly string[]).includes(text)) throw new AuditInputError(`action must be one of ${AUDIT_ACTIONS.join(', ')}, not "${text}".`);
  return text;
}

/** A row as exports and the route show it. */
export function auditView(row: AuditRow) {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    actorEmail: row.actorEmail,
    action: row.action,
    target: { uid: row.uid, documentId: row.documentId, locale: row.locale },
    details: row.details,
    hash: row.hash,
  };
}

export const CSV_COLUMNS = ['id', 'at', 'actor', 'actorEmail', 'action', 'uid', 'documentId', 'locale', 'details', 'prevHash', 'hash'] as const;

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows as CSV, a header line first, lines ended by CRLF; details as JSON in one field. */
export function auditCsv(rows: readonly AuditRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) {
    const values = { ...row, details: JSON.stringify(row.details) };
    lines.push(CSV_COLUMNS.map((column) => csvField(values[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
