import { ClinicKeyError, expiryAfter, expiryAt, keyStatus } from '../../src/clinics/keys';

const NOW = Date.parse('2026-06-15T12:00:00.000Z');

describe('key expiry on the command line', () => {
  it('reads --expires-in as days or hours from now', () => {
    expect(expiryAfter('90d', NOW).toISOString()).toBe('2026-09-13T12:00:00.000Z');
    expect(expiryAfter('12h', NOW).toISOString()).toBe('2026-06-16T00:00:00.000Z');
  });

  it('refuses other durations with the forms it takes', () => {
    for (const value of ['0d', '3w', '1.5d', '-2d', 'd', '90']) {
      expect(() => expiryAfter(value, NOW)).toThrow(new ClinicKeyError(`--expires-in takes a number of days or hours such as 90d or 12h, not "${value}".`));
    }
  });

  it('reads --expires-at as a date (midnight UTC) or a date-time with an offset', () => {
    expect(expiryAt('2027-01-31', NOW).toISOString()).toBe('2027-01-31T00:00:00.000Z');
    expect(expiryAt('2027-01-31T18:30:00+02:00', NOW).toISOString()).toBe('2027-01-31T16:30:00.000Z');
    expect(expiryAt('2027-01-31T18:30Z', NOW).toISOString()).toBe('2027-01-31T18:30:00.000Z');
  });

  it('refuses a date-time without an offset, an unreal date and a moment that has passed', () => {
    expect(() => expiryAt('2027-01-31T18:30:00', NOW)).toThrow(/with Z or an offset/);
    expect(() => expiryAt('2027-02-30', NOW)).toThrow('--expires-at: "2027-02-30" is not a real date.');
    expect(() => expiryAt('2026-06-15', NOW)).toThrow('--expires-at must be in the future; 2026-06-15T00:00:00.000Z has passed.');
  });
});

describe('key status', () => {
  it('is expired from the expiry on, and revoked whatever the expiry', () => {
    expect(keyStatus({ revokedAt: null, expiresAt: '2026-06-15T12:00:00.001Z' }, NOW)).toBe('active');
    expect(keyStatus({ revokedAt: null, expiresAt: '2026-06-15T12:00:00.000Z' }, NOW)).toBe('expired');
    expect(keyStatus({ revokedAt: null }, NOW)).toBe('active');
    expect(keyStatus({ revokedAt: '2026-06-01T00:00:00.000Z', expiresAt: '2026-06-02T00:00:00.000Z' }, NOW)).toBe('revoked');
  });
});
