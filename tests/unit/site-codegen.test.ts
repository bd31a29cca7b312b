/**
 * A clinic site's typed queries, as docs/site-developers.md tells a site to set them up: a small ESM
 * site (package.json "type": "module", tsconfig nodenext, strict) runs GraphQL Code Generator's client
 * preset against types/graphql/schema.graphql, then `tsc` checks code that uses our scalars as the
 * strings they are on the wire, and the client files this project ships (types/graphql/client).
 * No network: the CLI and TypeScript come from this project's node_modules.
 */
import { spawnSync } from 'child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const CODEGEN_CLI = path.join(ROOT, 'node_modules', '@graphql-codegen', 'cli', 'esm', 'bin.js');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** The site config docs/site-developers.md shows (keep the two the same). */
const DOCUMENTED_CONFIG = `import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'clinic-content.schema.graphql', // a copy of types/graphql/schema.graphql
  documents: ['src/**/*.graphql'],
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { persistedDocuments: true },
      config: {
        strictScalars: true,
        scalars: { DateTime: 'string', Date: 'string', JSONObject: 'Record<string, unknown>' },
        useTypeImports: true,
        emitLegacyCommonJSImports: false, // ESM sites: relative imports end in .js
      },
    },
  },
};
export default config;
`;

/** The config the README showed before: the preset's defaults. */
const DEFAULTS_CONFIG = `import type { CodegenConfig } from '@graphql-codegen/cli';
const config: CodegenConfig = {
  schema: 'clinic-content.schema.graphql',
  documents: ['src/**/*.graphql'],
  generates: { 'src/gql/': { preset: 'client', presetConfig: { persistedDocuments: true } } },
};
export default config;
`;

const SITE_CODE = `import type { PageQuery } from './gql/graphql.js';
import { PageDocument } from './gql/graphql.js';
import { graphql } from './gql/index.js';

export const updatedOn = (page: PageQuery): string => page.therapyPage.technique.updatedAt.slice(0, 10);
export const reviewedOn = (page: PageQuery): string | undefined => page.therapyPage.technique.medicalReview.lastReviewed?.slice(0, 10);
export const pageType = (page: PageQuery): unknown => page.therapyPage.jsonLd['@type'];
export const documents = [PageDocument, graphql];
`;

const SHIPPED_CODE = `import type { TherapyPageQuery } from './shipped/graphql.js';
import { TherapyPageDocument } from './shipped/graphql.js';
import { graphql } from './shipped/index.js';

export const shippedUpdatedOn = (page: TherapyPageQuery): string => page.therapyPage.technique.updatedAt.slice(0, 10);
export const shippedReviewedOn = (page: TherapyPageQuery): string | undefined => page.therapyPage.technique.medicalReview.lastReviewed?.slice(0, 10);
export const shippedDocuments = [TherapyPageDocument, graphql];
`;

const compilerOptions = (overrides: Record<string, string>) => ({
  compilerOptions: { target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [], ...overrides },
});

describe('typed queries in an ESM clinic site', () => {
  let site: string;

  function run(command: string, args: string[]): { status: number | null; output: string } {
    const result = spawnSync(process.execPath, [command, ...args], { cwd: site, encoding: 'utf8' });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  function generate(config: string): void {
    rmSync(path.join(site, 'src', 'gql'), { recursive: true, force: true });
    writeFileSync(path.join(site, 'codegen.ts'), config);
    const result = run(CODEGEN_CLI, ['--config', 'codegen.ts']);
    expect(result).toMatchObject({ status: 0 });
  }

  beforeAll(() => {
    site = mkdtempSync(path.join(os.tmpdir(), 'clinic-site-'));
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(site, 'node_modules'), 'dir');
    mkdirSync(path.join(site, 'src', 'shipped'), { recursive: true });
    cpSync(path.join(ROOT, 'types', 'graphql', 'schema.graphql'), path.join(site, 'clinic-content.schema.graphql'));
    for (const file of readdirSync(path.join(ROOT, 'types', 'graphql', 'client')).filter((name) => name.endsWith('.ts'))) {
      cpSync(path.join(ROOT, 'types', 'graphql', 'client', file), path.join(site, 'src', 'shipped', file));
    }
    writeFileSync(path.join(site, 'package.json'), JSON.stringify({ name: 'clinic-site', private: true, type: 'module' }));
    writeFileSync(
      path.join(site, 'tsconfig.json'),
      JSON.stringify({ ...compilerOptions({ module: 'nodenext', moduleResolution: 'nodenext' }), include: ['src/**/*.ts'] }),
    );
    writeFileSync(
      path.join(site, 'tsconfig.bundler.json'),
      JSON.stringify({ ...compilerOptions({ module: 'esnext', moduleResolution: 'bundler' }), files: ['src/shipped-use.ts'] }),
    );
    writeFileSync(
      path.join(site, 'src', 'page.graphql'),
      'query Page($slug: String!) { therapyPage(slug: $slug) { jsonLd technique { updatedAt medicalReview { status lastReviewed } } } }\n',
    );
    writeFileSync(path.join(site, 'src', 'use.ts'), SITE_CODE);
    writeFileSync(path.join(site, 'src', 'shipped-use.ts'), SHIPPED_CODE);
  });

  afterAll(() => rmSync(site, { recursive: true, force: true }));

  it('compiles under nodenext with the documented config: scalars are strings, imports end in .js, and so do the shipped client files', () => {
    generate(DOCUMENTED_CONFIG);
    const result = run(TSC, ['-p', 'tsconfig.json']);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('does not compile with the preset defaults: DateTime is unknown and the imports have no extension', () => {
    generate(DEFAULTS_CONFIG);
    const result = run(TSC, ['-p', 'tsconfig.json']);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/src\/use\.ts.*'unknown'/);
    expect(result.output).toMatch(/src\/gql\/.*TS2835/);
    // The shipped files are not the ones at fault.
    expect(result.output).not.toMatch(/src\/shipped/);
  });

  it('ships client files that also compile for bundler sites', () => {
    const result = run(TSC, ['-p', 'tsconfig.bundler.json']);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });
});
