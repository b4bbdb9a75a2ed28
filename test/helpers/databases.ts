/**
 * Real databases for tests: a fresh PostgreSQL or MariaDB database per test
 * file, on the server at 127.0.0.1 when one answers, otherwise on a throwaway
 * server started here in a temporary directory (a user's fresh machine).
 * Never a silent skip: when no server can be had, the test fails saying why.
 *
 * Overrides: FERRY_TEST_PG_URL (maintenance connection, default
 * postgres://postgres@127.0.0.1:5432/test), FERRY_TEST_MARIADB_URL (default
 * mysql://root@127.0.0.1:3306), FERRY_TEST_THROWAWAY_DB=1 to always start
 * throwaway servers.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

import { createConnection as createMysqlConnection } from 'mysql2/promise';
import pg from 'pg';
import { afterAll } from 'vitest';

import { openStore, type Store, type StoreDialect } from '../../src/store/index.js';
import { exec } from '../../src/util/exec.js';

/** The dialects every store test runs on. */
export const TEST_DIALECTS: readonly StoreDialect[] = ['sqlite', 'postgres'];

const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_MARIADB_URL = 'mysql://root@127.0.0.1:3306';
const forceThrowaway = (): boolean => process.env.FERRY_TEST_THROWAWAY_DB === '1';

// One hook, registered while the test file is collected: cleanups run in reverse
// order of registration (databases are dropped before their throwaway server stops).
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}, 120_000);

/** True when something accepts TCP connections on host:port within the timeout. */
export function portAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s`);
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** Runs a server tool as `nobody` when we are root (initdb and postgres refuse root). */
function asServerUser(command: string, args: readonly string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'nobody', '--', command, ...args]] : [command, [...args]];
}

function postgresBinDir(): string {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(base, versions[0], 'bin');
  }
  for (const dir of ['/usr/bin', '/usr/local/bin', '/usr/pgsql/bin']) {
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  throw new Error(
    'no PostgreSQL server answers on 127.0.0.1:5432 and initdb is not installed: run scripts/install-deps.sh --test (Debian: postgresql, Fedora: postgresql-server)',
  );
}

interface ThrowawayServer {
  readonly url: string;
  stop(): Promise<void>;
}

async function startThrowawayPostgres(): Promise<ThrowawayServer> {
  const bin = postgresBinDir();
  const dir = await mkdtemp(join(tmpdir(), 'ferry-pg-'));
  const data = join(dir, 'data');
  if (isRoot()) await chown(dir, 65534, 65534);
  const port = await freePort();
  const run = async (command: string, args: readonly string[]) => {
    const [cmd, argv] = asServerUser(join(bin, command), args);
    await exec(cmd, argv, { cwd: dir, timeoutMs: 120_000 });
  };
  await run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  await run('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'server.log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    'start',
  ]);
  process.stderr.write(`databases: started a throwaway PostgreSQL on 127.0.0.1:${port} in ${dir}\n`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function startThrowawayMariadb(): Promise<ThrowawayServer> {
  const install = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db'].find((p) => existsSync(p));
  const server = ['/usr/sbin/mariadbd', '/usr/libexec/mariadbd', '/usr/sbin/mysqld'].find((p) =>
    existsSync(p),
  );
  if (!install || !server) {
    throw new Error(
      'no MariaDB server answers on 127.0.0.1:3306 and mariadbd is not installed: run scripts/install-deps.sh --test (mariadb-server)',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'ferry-mariadb-'));
  const data = join(dir, 'data');
  await mkdir(data);
  const user = userInfo().username;
  const port = await freePort();
  await exec(
    install,
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--user=${user}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ],
    { timeoutMs: 180_000 },
  );
  const { spawn } = await import('node:child_process');
  const child = spawn(
    server,
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(dir, 'mariadb.sock')}`,
      `--pid-file=${join(dir, 'mariadb.pid')}`,
      `--user=${user}`,
    ],
    { stdio: 'ignore' },
  );
  const url = `mysql://root@127.0.0.1:${port}`;
  await waitFor('throwaway MariaDB', async () => {
    if (!(await portAnswers('127.0.0.1', port, 500))) return false;
    try {
      const connection = await createMysqlConnection(url);
      await connection.end();
      return true;
    } catch {
      return false;
    }
  });
  process.stderr.write(`databases: started a throwaway MariaDB on 127.0.0.1:${port} in ${dir}\n`);
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Connects with `url`, or with the same server's `postgres` database when `url`'s database is missing. */
async function postgresMaintenance(url: string): Promise<string | undefined> {
  for (const candidate of [url, withDatabase(url, 'postgres')]) {
    const client = new pg.Client({ connectionString: candidate, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      return candidate;
    } catch {
      // try the next candidate, then a throwaway server
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return undefined;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

let postgresServer: Promise<string> | undefined;

/** The maintenance URL of a PostgreSQL server for this test process (local, or throwaway). */
function postgresServerUrl(): Promise<string> {
  postgresServer ??= (async () => {
    const configured = process.env.FERRY_TEST_PG_URL ?? DEFAULT_PG_URL;
    const target = new URL(configured);
    if (!forceThrowaway() && (await portAnswers(target.hostname, Number(target.port || 5432)))) {
      const maintenance = await postgresMaintenance(configured);
      if (maintenance) return maintenance;
      process.stderr.write(
        `databases: ${target.host} answers but refuses ${configured}; using a throwaway server\n`,
      );
    }
    const server = await startThrowawayPostgres();
    cleanups.push(() => server.stop());
    return server.url;
  })();
  return postgresServer;
}

/**
 * A new, empty PostgreSQL database for this test file, dropped after it.
 * Returns its URL (`postgres://…/ferry_test_<random>`).
 */
export async function postgresTestDatabase(): Promise<string> {
  const maintenance = await postgresServerUrl();
  const name = `ferry_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: maintenance });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    // Tests need no durability across a power cut; waiting for each commit's fsync only slows them.
    await client.query(`ALTER DATABASE ${client.escapeIdentifier(name)} SET synchronous_commit TO off`);
  } finally {
    await client.end();
  }
  cleanups.push(async () => {
    const dropper = new pg.Client({ connectionString: maintenance });
    await dropper.connect();
    try {
      await dropper.query(`DROP DATABASE IF EXISTS ${dropper.escapeIdentifier(name)} WITH (FORCE)`);
    } finally {
      await dropper.end();
    }
  });
  return withDatabase(maintenance, name);
}

let mariadbServer: Promise<string> | undefined;

function mariadbServerUrl(): Promise<string> {
  mariadbServer ??= (async () => {
    const configured = process.env.FERRY_TEST_MARIADB_URL ?? DEFAULT_MARIADB_URL;
    const target = new URL(configured);
    if (!forceThrowaway() && (await portAnswers(target.hostname, Number(target.port || 3306)))) {
      try {
        const connection = await createMysqlConnection(configured);
        await connection.end();
        return configured;
      } catch {
        process.stderr.write(
          `databases: ${target.host} answers but refuses ${configured}; using a throwaway server\n`,
        );
      }
    }
    const server = await startThrowawayMariadb();
    cleanups.push(() => server.stop());
    return server.url;
  })();
  return mariadbServer;
}

/** A MariaDB database for a test file (`ferry import dlrn` reads DLRN's MariaDB). */
export interface MariadbTestDatabase {
  /** `mysql://root@host:port/name` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/** A new, empty MariaDB database for this test file, dropped after it. */
export async function mariadbTestDatabase(): Promise<MariadbTestDatabase> {
  const server = await mariadbServerUrl();
  const name = `ferry_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const connection = await createMysqlConnection(server);
  try {
    await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await connection.end();
  }
  cleanups.push(async () => {
    const dropper = await createMysqlConnection(server);
    try {
      await dropper.query(`DROP DATABASE IF EXISTS \`${name}\``);
    } finally {
      await dropper.end();
    }
  });
  const parsed = new URL(server);
  return {
    url: `${server.replace(/\/$/, '')}/${name}`,
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    database: name,
  };
}

/** Every table of the store, emptied between tests that share one database. */
export const STORE_TABLES = [
  'build_jobs',
  'label_moves',
  'repaired_rows',
  'promotions',
  'civotes',
  'civotes_agg',
  'commits',
  'projects',
  'users',
];

let postgresStoreUrl: Promise<string> | undefined;

/**
 * A store on an empty database of `dialect`: SQLite in memory (or in a file
 * under `dir` when given), PostgreSQL on this file's test database with every
 * table emptied first (so tests in one file do not see each other's rows).
 * The caller closes it.
 */
export async function openTestStore(
  dialect: StoreDialect,
  options: { readonly dir?: string; readonly clock?: () => number } = {},
): Promise<Store> {
  const clock = options.clock ? { clock: options.clock } : {};
  if (dialect === 'sqlite') {
    const url = options.dir
      ? `sqlite:${join(options.dir, `store-${randomBytes(4).toString('hex')}.db`)}`
      : 'sqlite::memory:';
    return openStore(url, clock);
  }
  postgresStoreUrl ??= postgresTestDatabase();
  const store = await openStore(await postgresStoreUrl, clock);
  const client = new pg.Client({ connectionString: await postgresStoreUrl });
  await client.connect();
  try {
    await client.query(`TRUNCATE ${STORE_TABLES.join(', ')} RESTART IDENTITY CASCADE`);
  } finally {
    await client.end();
  }
  return store;
}

/** The URL of this file's PostgreSQL test database (created on first use). */
export function postgresStoreDatabaseUrl(): Promise<string> {
  postgresStoreUrl ??= postgresTestDatabase();
  return postgresStoreUrl;
}
