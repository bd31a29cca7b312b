/**
 * One fresh database per test file: a temporary SQLite file, or, when DATABASE_URL is set, a new
 * PostgreSQL database created next to the one it names and dropped afterwards.
 */
import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import os from 'os';
import path from 'path';
import { Client } from 'pg';

export interface TestDatabase {
  kind: 'sqlite' | 'postgres';
  /** Variables that point Strapi at this database. */
  environment: Record<string, string>;
  drop(): Promise<void>;
}

/** Set by CI for the PostgreSQL run; read once, before any test changes the environment. */
const BASE_DATABASE_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? '';
process.env.TEST_DATABASE_URL = BASE_DATABASE_URL;

export function isPostgres(): boolean {
  return BASE_DATABASE_URL !== '';
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!isPostgres()) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'clinic-content-'));
    return {
      kind: 'sqlite',
      environment: { DATABASE_URL: '', DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: path.join(dir, 'data.db') },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `clinic_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: BASE_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(BASE_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    environment: { DATABASE_URL: url.toString(), DATABASE_POOL_MIN: '0', DATABASE_POOL_MAX: '5' },
    drop: async () => {
      const client = new Client({ connectionString: BASE_DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
