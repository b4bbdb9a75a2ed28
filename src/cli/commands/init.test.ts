import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import pg from 'pg';
import { describe, expect, it } from 'vitest';

import { postgresStoreDatabaseUrl } from '../../../test/helpers/databases.js';
import { runFerry } from '../../../test/helpers/run-ferry.js';
import { tempDir } from '../../../test/helpers/temp-dir.js';
import { configSchema, loadConfig } from '../../config/index.js';
import { knownMigrations, openStore } from '../../store/index.js';
import { CONFIG_COMMENTS, configKeyPaths, renderConfigTemplate } from './init.js';

const root = await tempDir('ferry-init-');

describe('renderConfigTemplate', () => {
  it('shows every key of the schema, each with a comment', () => {
    const text = renderConfigTemplate();
    const lines = text.split('\n');

    for (const path of configKeyPaths()) {
      const key = path.split('.').at(-1)!;
      const depth = path.split('.').length - 1;
      const at = lines.findIndex((line) => new RegExp(`^${'  '.repeat(depth)}(# )?${key}:`).test(line));
      expect(at, `${path} is in the template`).toBeGreaterThan(0);
      expect(lines[at - 1], `${path} has a comment`).toBe(`${'  '.repeat(depth)}# ${CONFIG_COMMENTS[path]}`);
    }
  });

  it('loads back to the defaults, with the database when given', async () => {
    const file = join(root, 'template.yaml');
    await writeFile(file, renderConfigTemplate({ database: 'postgres://ferry@db.example:5432/ferry' }));

    const config = await loadConfig(file);

    expect(config).toEqual({ ...configSchema.parse({}), database: 'postgres://ferry@db.example:5432/ferry' });
  });
});

describe('ferry init', () => {
  it('creates a workspace: commented ferry.yaml, repos/, sources/, a migrated SQLite database', async () => {
    const dir = join(root, 'new-ws');

    const run = await runFerry(['init', dir]);
    const store = await openStore(`sqlite:${join(dir, 'ferry.db')}`, { create: false });
    await store.close();

    expect(run).toEqual({
      code: 0,
      stdout:
        `created ${dir}/ferry.yaml\n` +
        `database sqlite:${dir}/ferry.db: applied ${knownMigrations('sqlite').join(', ')}\n` +
        'next: set catalog.path and catalog.release in ferry.yaml, then run ferry chase\n',
      stderr: '',
    });
    expect(await readFile(join(dir, 'ferry.yaml'), 'utf8')).toBe(renderConfigTemplate());
    expect(existsSync(join(dir, 'repos'))).toBe(true);
    expect(existsSync(join(dir, 'sources'))).toBe(true);
    expect(store.migrations.applied).toEqual([]);
  });

  it('keeps an existing ferry.yaml and only brings the database up to date (--json)', async () => {
    const dir = join(root, 'existing-ws');
    await runFerry(['init', dir]);
    const edited = `${await readFile(join(dir, 'ferry.yaml'), 'utf8')}\n# my note\n`;
    await writeFile(join(dir, 'ferry.yaml'), edited);

    const run = await runFerry(['--workspace', dir, 'init', '--json']);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      workspace: dir,
      config_file: join(dir, 'ferry.yaml'),
      config_created: false,
      database: `sqlite:${dir}/ferry.db`,
      migrations_applied: [],
      schema_version: knownMigrations('sqlite').at(-1),
    });
    expect(await readFile(join(dir, 'ferry.yaml'), 'utf8')).toBe(edited);
  });

  it('refuses an invalid existing ferry.yaml with file:line', async () => {
    const dir = join(root, 'broken-ws');
    await runFerry(['init', dir]);
    await writeFile(join(dir, 'ferry.yaml'), 'build:\n  wrokers: 3\n');

    const run = await runFerry(['init', dir]);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`error: ${dir}/ferry.yaml:2:3: build.wrokers: unknown key\n`);
  });

  it('refuses a bad --database URL and leaves nothing behind', async () => {
    const dir = join(root, 'bad-db-ws');

    const run = await runFerry(['init', dir, '--database', 'mysql://root@db/dlrn']);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: unsupported database URL "mysql:\/\/root@db\/dlrn"/);
    expect(existsSync(dir)).toBe(false);
  });

  it('creates and migrates a PostgreSQL database named by --database', async () => {
    const dir = join(root, 'pg-ws');
    const url = new URL(await postgresStoreDatabaseUrl());
    const name = `${url.pathname.slice(1)}_init`;
    url.pathname = `/${name}`;

    const run = await runFerry(['init', dir, '--database', url.toString(), '--json']);
    const admin = new pg.Client({ connectionString: await postgresStoreDatabaseUrl() });
    await admin.connect();
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    await admin.query(`drop database if exists ${admin.escapeIdentifier(name)} with (force)`);
    await admin.end();

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      config_created: true,
      migrations_applied: knownMigrations('postgres'),
    });
    expect((await loadConfig(join(dir, 'ferry.yaml'))).database).toBe(url.toString());
    expect(exists.rowCount).toBe(1);
  });
});
