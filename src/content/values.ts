/**
 * Stored values as the content layer reads them: when a field counts as empty (it is then served from
 * the next locale of the chain, fr-CA → fr → en, so a regional locale holds only what differs), and
 * timestamps and dates as one value whichever way the database driver (or a writer) gave them.
 */

/** True when a value holds nothing a reader would see: null, blank text, no items, blocks without text. */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0 || (value.every(isBlock) && !value.some(hasText));
  if (typeof value === 'object') {
    // A component is empty when none of its texts is set; its switches (seo.noIndex) do not count.
    return Object.entries(value as Record<string, unknown>).every(
      ([key, inner]) => key === 'id' || key === '__component' || typeof inner === 'boolean' || isEmptyValue(inner),
    );
  }
  return false;
}

function isBlock(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' && Array.isArray((value as { children?: unknown }).children);
}

function hasText(value: unknown): boolean {
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.some(hasText);
  if (typeof value === 'object' && value !== null) {
    const node = value as { type?: unknown; text?: unknown; children?: unknown; image?: unknown };
    if (node.type === 'image' && node.image !== undefined) return true;
    if (typeof node.text === 'string' && node.text.trim() !== '') return true;
    return hasText(node.children);
  }
  return false;
}

/**
 * A timestamp as epoch milliseconds. Drivers return them as Date (PostgreSQL), epoch milliseconds or
 * text (SQLite); an unreadable one is an error, never a guess.
 */
export function toEpochMs(raw: unknown): number {
  const ms = raw instanceof Date ? raw.getTime() : typeof raw === 'number' ? raw : Date.parse(String(raw));
  if (Number.isNaN(ms)) throw new Error(`Unreadable timestamp ${JSON.stringify(raw)}`);
  return ms;
}

/** A timestamp as ISO 8601 in UTC (see toEpochMs). */
export function toIso(raw: unknown): string {
  return new Date(toEpochMs(raw)).toISOString();
}

/**
 * A date field's value as YYYY-MM-DD, or null when it holds none. Text (SQLite, write input) starts with
 * the day. A Date stands for its local calendar day: Strapi stores a Date written to a date field as
 * that day, and node-postgres reads a DATE back as local midnight.
 */
export function toDay(value: unknown): string | null {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    const pad = (part: number) => String(part).padStart(2, '0');
    return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) return value.slice(0, 10);
  return null;
}
