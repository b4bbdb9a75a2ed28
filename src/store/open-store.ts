import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, sql, SqliteDialect, type SqliteDatabase } from 'kysely';
import pg from 'pg';

import { FerryError } from '../errors.js';
import { migrateStore, type MigrationReport } from './migrate.js';
import type { Database } from './schema.js';
import { unixNow, type StoreContext } from './store-context.js';
import { parseStoreUrl, redactStoreUrl, type StoreDialect } from './store-url.js';
import { bindStore, type StoreApi } from './store.js';

/** An open store: every query of `StoreApi`, plus its lifecycle. */
export interface Store extends StoreApi {
  /** The database URL with any password hidden. */
  readonly url: string;
  /** Applies pending migrations (openStore already does unless told not to). */
  migrate(): Promise<MigrationReport>;
  /** What the migrations run by openStore did (empty when `migrate: false`). */
  readonly migrations: MigrationReport;
  /** Closes the connection (SQLite) or the pool (PostgreSQL). */
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Run pending migrations on open (default true). */
  readonly migrate?: boolean;
  /**
   * Create the database when it does not exist. SQLite files are created
   * unless this is `false`; a PostgreSQL database only when this is `true`
   * (`ferry init`), so a typo in a URL does not create a new empty database.
   */
  readonly create?: boolean;
  /** PostgreSQL pool size (default 10). */
  readonly poolSize?: number;
  /** Unix-seconds clock for default timestamps (tests pass a fixed one). */
  readonly clock?: () => number;
}

/** Seconds SQLite waits for another process's write lock before failing. */
const SQLITE_BUSY_TIMEOUT_MS = 15_000;

/**
 * Opens the store at `url` (`sqlite:PATH`, `sqlite::memory:` or
 * `postgres://…`), checks the connection and runs pending migrations. A bad
 * URL, an unreachable server or a failed migration is FERRY_STORE_FAILED.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const shown = redactStoreUrl(url);
  const { db, dialect } = await connectDatabase(url, options);
  const ctx: StoreContext = { db, dialect, clock: options.clock ?? unixNow, inTransaction: false };
  let migrations: MigrationReport = { applied: [], current: undefined };
  try {
    if (options.migrate !== false) migrations = await migrateStore(db, dialect);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw error;
  }
  let closed = false;
  return {
    ...bindStore(ctx),
    url: shown,
    migrations,
    migrate: () => migrateStore(db, dialect),
    close: async () => {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

/**
 * The Kysely handle behind a store, without migrations or store functions.
 * Inside src/store only (tests EXPLAIN the store's queries through it).
 */
export async function connectDatabase(
  url: string,
  options: OpenStoreOptions = {},
): Promise<{ readonly db: Kysely<Database>; readonly dialect: StoreDialect }> {
  const location = parseStoreUrl(url);
  const shown = redactStoreUrl(url);
  if (location.dialect === 'sqlite') {
    return { db: openSqlite(location.path, location.memory, options, shown), dialect: 'sqlite' };
  }
  return { db: await openPostgres(location.connectionString, options, shown), dialect: 'postgres' };
}

function openSqlite(
  path: string,
  memory: boolean,
  options: OpenStoreOptions,
  shown: string,
): Kysely<Database> {
  let database: BetterSqlite3.Database;
  try {
    database = new BetterSqlite3(path, { fileMustExist: options.create === false });
    if (!memory) {
      // WAL: readers never block the writer and a killed process leaves a consistent database.
      database.pragma('journal_mode = WAL');
      // NORMAL is crash-safe in WAL mode (a killed process loses nothing committed);
      // only an OS crash or power loss may drop the last transactions.
      database.pragma('synchronous = NORMAL');
    }
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    database.pragma('foreign_keys = ON');
  } catch (error) {
    throw new FerryError('FERRY_STORE_FAILED', `cannot open database ${shown}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
}

/** How many prepared statements an SQLite store keeps (distinct SQL texts; least recently used go first). */
const STATEMENT_CACHE_SIZE = 256;

/**
 * better-sqlite3 with its prepared statements kept: Kysely's SQLite driver
 * prepares every query anew, which cost the API more than running the
 * queries. Statements are only used one at a time (Kysely holds its single
 * connection while a query or stream runs), so reusing them is safe.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (statement) {
        statements.delete(text); // re-inserted below: the Map's order is the recency order
      } else {
        statement = database.prepare(text);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      }
      statements.set(text, statement);
      return statement;
    },
  };
}

/** PostgreSQL's int8 (COUNT, bigint columns) arrives as a string by default; timestamps fit a JS number. */
const INT8_OID = 20;
function typeParser(oid: number, format?: string): (value: string) => unknown {
  if (oid === INT8_OID) return (value) => Number.parseInt(value, 10);
  return pg.types.getTypeParser(oid, format as 'text') as (value: string) => unknown;
}
const pgTypes = { getTypeParser: typeParser as typeof pg.types.getTypeParser };

function postgresPool(connectionString: string, options: OpenStoreOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    types: pgTypes,
  });
  // An idle client losing its server emits on the pool; the next query reports the problem.
  pool.on('error', () => undefined);
  return pool;
}

async function openPostgres(
  connectionString: string,
  options: OpenStoreOptions,
  shown: string,
): Promise<Kysely<Database>> {
  let db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: postgresPool(connectionString, options) }),
  });
  try {
    await sql`select 1`.execute(db);
    return db;
  } catch (error) {
    await db.destroy().catch(() => undefined);
    if (pgCode(error) !== '3D000' || options.create !== true) throw connectError(error, shown);
  }
  await createPostgresDatabase(connectionString, shown);
  db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: postgresPool(connectionString, options) }),
  });
  try {
    await sql`select 1`.execute(db);
    return db;
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw connectError(error, shown);
  }
}

/** Creates the database a URL names, connecting to the server's `postgres` database to do it. */
async function createPostgresDatabase(connectionString: string, shown: string): Promise<void> {
  const target = new URL(connectionString);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = '/postgres';
  const client = new pg.Client({ connectionString: target.toString(), connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } catch (error) {
    // Another process may have created it in the meantime (42P04, or 23505 when both raced in the catalog).
    if (pgCode(error) !== '42P04' && pgCode(error) !== '23505') {
      throw new FerryError(
        'FERRY_STORE_FAILED',
        `cannot create database ${shown}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

function pgCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function connectError(error: unknown, shown: string): FerryError {
  const code = pgCode(error);
  const detail = describe(error) || code || 'unknown error';
  const hint = code === '3D000' ? ' (run ferry init to create it)' : '';
  return new FerryError('FERRY_STORE_FAILED', `cannot connect to database ${shown}: ${detail}${hint}`, {
    cause: error,
  });
}

/** A readable reason; Node reports a refused dual-stack connect as an AggregateError with an empty message. */
function describe(error: unknown): string {
  if (error instanceof AggregateError && !error.message) {
    return error.errors.map((inner) => describe(inner)).join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}
