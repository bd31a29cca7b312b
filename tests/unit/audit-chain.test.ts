/** The audit trail's pure parts: canonical JSON, row hashes, the CSV form and the date filters. */
import { auditCsv, auditTime, AuditInputError } from '../../src/governance/audit/export';
import { canonicalJson, emailDigest, GENESIS_HASH, rowHash, type AuditRow } from '../../src/governance/audit/table';

const row: AuditRow = {
  id: 7,
  at: '2026-11-02T09:30:00.000Z',
  actor: 'admin:3',
  actorEmail: 'editor@clinic.test',
  actorEmailDigest: emailDigest('editor@clinic.test'),
  action: 'review.changed',
  uid: 'api::technique.technique',
  documentId: 'abc',
  locale: 'en',
  details: { before: { reviewedBy: 'A, "the" team' }, after: { reviewedBy: 'B' } },
  prevHash: GENESIS_HASH,
  hash: '',
};

describe('the chain hash', () => {
  it('is the same whatever the order of keys, at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
  });

  it('changes with the details, the actor or the previous hash, and not with the e-mail itself (only its digest counts)', () => {
    const hash = rowHash(row);
    expect(rowHash({ ...row, details: { ...row.details, after: { reviewedBy: 'C' } } })).not.toBe(hash);
    expect(rowHash({ ...row, actor: 'admin:4' })).not.toBe(hash);
    expect(rowHash({ ...row, prevHash: hash })).not.toBe(hash);
    expect(rowHash({ ...row, actorEmail: null } as AuditRow)).toBe(hash);
  });
});

describe('the CSV export', () => {
  it('quotes fields with commas and quotes, doubles the quotes, and ends lines with CRLF', () => {
    const csv = auditCsv([{ ...row, hash: 'h' }]);
    const [header, line, end] = csv.split('\r\n');
    expect(header).toBe('id,at,actor,actorEmail,action,uid,documentId,locale,details,prevHash,hash');
    expect(line).toBe(`7,2026-11-02T09:30:00.000Z,admin:3,editor@clinic.test,review.changed,api::technique.technique,abc,en,"{""before"":{""reviewedBy"":""A, \\""the\\"" team""},""after"":{""reviewedBy"":""B""}}",${GENESIS_HASH},h`);
    expect(end).toBe('');
  });
});

describe('the date filters', () => {
  it('take a date as midnight UTC and a date-time with its offset', () => {
    expect(auditTime('--since', '2026-11-01')).toBe('2026-11-01T00:00:00.000Z');
    expect(auditTime('--since', '2026-11-01T10:00:00+02:00')).toBe('2026-11-01T08:00:00.000Z');
  });

  it('refuse what is not a real date, naming the option', () => {
    expect(() => auditTime('--since', '2026-02-30')).toThrow(new AuditInputError('--since: "2026-02-30" is not a real date.'));
    expect(() => auditTime('--until', 'yesterday')).toThrow(/^--until takes an ISO date/);
  });
});
