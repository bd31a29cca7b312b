/** Copies of data/seed in a temporary folder, for tests that edit seed files. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { ROOT } from './strapi';

export const SEED_DIR = path.join(ROOT, 'data', 'seed');

export interface SeedCopy {
  dir: string;
  read<T = Array<Record<string, unknown>>>(file: string): T;
  write(file: string, value: unknown): void;
  writeText(file: string, text: string): void;
  remove(): void;
}

export function copySeed(): SeedCopy {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clinic-seed-'));
  cpSync(SEED_DIR, dir, { recursive: true });
  return {
    dir,
    read: <T>(file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as T,
    write: (file, value) => writeFileSync(path.join(dir, file), JSON.stringify(value, null, 2)),
    writeText: (file, text) => writeFileSync(path.join(dir, file), text),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
