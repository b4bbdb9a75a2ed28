import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Migrator } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';

import { FerryError } from '../errors.js';
import {
  openTestStore,
  postgresStoreDatabaseUrl,
  postgresTestDatabase,
  TEST_DIALECTS,
} from '../../test/helpers/databases.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { knownMigrations } from './migrate.js';
import { storeMigrations } from './migrations/index.js';
import { connectDatabase, openStore } from './open-store.js';

async function storeError(promise: Promise<unknown>): Promise<FerryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FerryError) return error;
    throw error;
  }
  throw new Error('expected openStore to fail');
}

const dir = await tempDir('ferry-store-open-');

describe.each(TEST_DIALECTS)('openStore on %s', (dialect) => {
  it('creates every table and records the migrations it ran', async () => {
    const store = await openTestStore(dialect, { dir });

    const counts = await store.storeCounts();
    const users = await store.listUsers();
    const again = await store.migrate();
    await store.close();

    expect(counts).toEqual({
      succeeded: 0,
      failed: 0,
      retry: 0,
      builds: 0,
      votes: 0,
      aggregateVotes: 0,
      promotions: 0,
    });
    expect(users).toEqual([]);
    expect(again).toEqual({ applied: [], current: knownMigrations(dialect).at(-1) });
  });

  it('upgrades a database of an older schema, keeping its rows', async () => {
    const url = dialect === 'sqlite' ? `sqlite:${join(dir, 'old-schema.db')}` : await postgresTestDatabase();
    const { db } = await connectDatabase(url);
    const migrator = new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve(storeMigrations(dialect)) },
    });
    const first = await migrator.migrateTo('0001-initial');
    await db
      .insertInto('commits')
      .values({ project_name: 'old', commit_hash: 'c', distro_hash: 'd', status: 'SUCCESS' })
      .execute();
    await db.destroy();

    const store = await openStore(url);
    const commits = await store.findCommits();
    await store.close();

    expect(first.error).toBeUndefined();
    expect(store.migrations.applied).toEqual(knownMigrations(dialect).slice(1));
    expect(commits.map((c) => c.projectName)).toEqual(['old']);
  });

  it('closes idempotently', async () => {
    const store = await openTestStore(dialect);

    await store.close();
    await store.close();

    await expect(store.listUsers()).rejects.toThrow();
  });
});

describe('openStore on SQLite', () => {
  it('applies the migrations on a new file, in WAL mode with foreign keys on', async () => {
    const file = join(dir, 'new.db');

    const store = await openStore(`sqlite:${file}`);
    const reopened = await openStore(`sqlite:${file}`);
    await store.close();
    await reopened.close();

    expect(store.migrations).toEqual({
      applied: knownMigrations('sqlite'),
      current: knownMigrations('sqlite').at(-1),
    });
    expect(reopened.migrations.applied).toEqual([]);
    expect(existsSync(`${file}-wal`) || existsSync(file)).toBe(true);
  });

  it('refuses an orphan vote (foreign keys are enforced)', async () => {
    const store = await openStore('sqlite::memory:');

    const attempt = store.recordVote({ commitId: 999, ciName: 'job', ciVote: true });

    await expect(attempt).rejects.toThrow(/FOREIGN KEY/i);
    await store.close();
  });

  it('reports a missing directory as FERRY_STORE_FAILED', async () => {
    const error = await storeError(openStore(`sqlite:${join(dir, 'no', 'such', 'dir', 'x.db')}`));

    expect(error.code).toBe('FERRY_STORE_FAILED');
    expect(error.message).toMatch(/cannot open database sqlite:.*x\.db/);
    expect(error.exitCode).toBe(2);
  });

  it('reports a file that is not a database', async () => {
    const file = join(dir, 'garbage.db');
    await writeFile(file, 'this is not a database, just text '.repeat(200));

    const error = await storeError(openStore(`sqlite:${file}`));

    expect(error.code).toBe('FERRY_STORE_FAILED');
    expect(error.message).toMatch(/not a database/);
  });

  it('does not create a file when create is false', async () => {
    const file = join(dir, 'absent.db');

    const error = await storeError(openStore(`sqlite:${file}`, { create: false }));

    expect(error.code).toBe('FERRY_STORE_FAILED');
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a database whose schema is newer than this ferry', async () => {
    const file = join(dir, 'future.db');
    const store = await openStore(`sqlite:${file}`);
    await store.close();
    const BetterSqlite3 = (await import('better-sqlite3')).default;
    const raw = new BetterSqlite3(file);
    raw.prepare("insert into kysely_migration (name, timestamp) values ('9999-future', 'x')").run();
    raw.close();

    const error = await storeError(openStore(`sqlite:${file}`));

    expect(error.code).toBe('FERRY_STORE_FAILED');
    expect(error.message).toBe(
      'the database schema is newer than this ferry (unknown migration 9999-future): upgrade ferry',
    );
  });
});

describe('openStore URLs', () => {
  it('rejects an unsupported scheme, naming the accepted ones', async () => {
    const error = await storeError(openStore('mysql://root:secret@db/dlrn'));

    expect(error.code).toBe('FERRY_STORE_FAILED');
    expect(error.message).toBe(
      'unsupported database URL "mysql://root:***@db/dlrn": use sqlite:PATH, sqlite::memory: or postgres://user@host:port/db',
    );
  });

  it('reports an unreachable PostgreSQL server without its password', async () => {
    const error = await storeError(openStore('postgres://ferry:hunter2@127.0.0.1:1/ferry'));

    expect(error.code).toBe('FERRY_STORE_FAILED');
    expect(error.message).toMatch(
      /^cannot connect to database postgres:\/\/ferry:\*\*\*@127\.0\.0\.1:1\/ferry: .*ECONNREFUSED/,
    );
    expect(error.message).not.toContain('hunter2');
  });

  it('reports a missing PostgreSQL database, and creates it when asked', async () => {
    const base = new URL(await postgresStoreDatabaseUrl());
    base.pathname = `/${base.pathname.slice(1)}_created`;
    const url = base.toString();

    const missing = await storeError(openStore(url));
    const created = await openStore(url, { create: true });
    await created.close();
    const admin = new pg.Client({ connectionString: await postgresStoreDatabaseUrl() });
    await admin.connect();
    const exists = await admin.query('select 1 from pg_database where datname = $1', [
      base.pathname.slice(1),
    ]);
    await admin.query(`drop database ${admin.escapeIdentifier(base.pathname.slice(1))} with (force)`);
    await admin.end();

    expect(missing.message).toMatch(/does not exist \(run ferry init to create it\)$/);
    expect(created.migrations.applied).toEqual(knownMigrations('postgres'));
    expect(exists.rowCount).toBe(1);
  });
});
