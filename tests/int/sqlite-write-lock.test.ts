/**
 * Two processes writing one SQLite file (the server and a command such as clinic:key): a transaction
 * that reads before it writes must not fail with "database is locked" because another process wrote
 * in between. SQLite refuses such a transaction at once, without waiting, when it would otherwise
 * deadlock; taking the write lock when the transaction begins makes the other writer wait instead.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'child_process';
import { isPostgres } from '../helpers/database';
import { ROOT, startApp, type TestApp } from '../helpers/strapi';

const CLINIC = 'api::clinic.clinic';

/** Another process on the same file: on each line it is sent, one write in its own transaction. */
const WRITER = `
const Database = require('better-sqlite3');
const database = new Database(process.argv[1], { timeout: 10000 });
require('readline').createInterface({ input: process.stdin }).on('line', (name) => {
  database.exec('BEGIN IMMEDIATE');
  process.stdout.write('locked\\n');
  database.prepare("UPDATE clinics SET name = ? WHERE slug = 'second'").run(name);
  database.exec('COMMIT');
  process.stdout.write('written\\n');
});
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

(isPostgres() ? describe.skip : describe)('a transaction that reads, then writes, while another process writes', () => {
  let app: TestApp;
  let writer: ChildProcessWithoutNullStreams;
  let writerOutput = '';

  beforeAll(async () => {
    app = await startApp();
    for (const slug of ['first', 'second']) await app.strapi.db.query(CLINIC).create({ data: { slug, name: slug, locale: 'en' } });
    writer = spawn(process.execPath, ['-e', WRITER, app.database.environment.DATABASE_FILENAME ?? ''], { cwd: ROOT });
    writer.stdout.on('data', (chunk: Buffer) => (writerOutput += chunk.toString()));
  });

  afterAll(async () => {
    writer?.kill();
    await app?.stop();
  });

  it('commits, and the other process writes once it has', async () => {
    await app.strapi.db.transaction(async () => {
      await app.strapi.db.query(CLINIC).findOne({ where: { slug: 'first' } });
      // The other process asks for the write lock between this read and the write below.
      writer.stdin.write('renamed elsewhere\n');
      await sleep(500);
      await app.strapi.db.query(CLINIC).update({ where: { slug: 'first' }, data: { name: 'renamed here' } });
    });
    for (let waited = 0; !writerOutput.includes('written') && waited < 10000; waited += 50) await sleep(50);

    expect(writerOutput).toBe('locked\nwritten\n');
    const names = await app.strapi.db.query(CLINIC).findMany({ where: { slug: { $in: ['first', 'second'] } }, select: ['slug', 'name'], orderBy: { slug: 'asc' } });
    expect(names.map(({ slug, name }) => [slug, name])).toEqual([
      ['first', 'renamed here'],
      ['second', 'renamed elsewhere'],
    ]);
  });
});
