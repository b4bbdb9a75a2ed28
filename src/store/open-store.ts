import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';

import { FerryError } from '../errors.js';
import { startSqliteCheckpointer, type SqliteCheckpointer } from './sqlite-checkpointer.js';
import { migrateStore, type MigrationReport } from './migrate.js';
import type { Database } from './schema.js';
import { openSqlite, type SqliteDirect } from './sqlite-connection.js';
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
  /**
   * SQLite file stores: run WAL checkpoints (and their fsyncs) on a
   * background thread instead of inside whichever write crosses the WAL
   * threshold (see startSqliteCheckpointer). For long-running processes
   * with many small writes: `ferry serve`.
   */
  readonly backgroundCheckpoints?: boolean;
}

/**
 * Opens the store at `url` (`sqlite:PATH`, `sqlite::memory:` or
 * `postgres://…`), checks the connection and runs pending migrations. A bad
 * URL, an unreachable server or a failed migration is FERRY_STORE_FAILED.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const shown = redactStoreUrl(url);
  const { db, dialect, checkpointer, direct } = await connectDatabase(url, options);
  const ctx: StoreContext = {
    db,
    dialect,
    clock: options.clock ?? unixNow,
    inTransaction: false,
    ...(direct ? { direct } : {}),
  };
  let migrations: MigrationReport = { applied: [], current: undefined };
  try {
    if (options.migrate !== false) migrations = await migrateStore(db, dialect);
  } catch (error) {
    await checkpointer?.stop();
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
      await checkpointer?.stop();
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
): Promise<{
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  readonly checkpointer?: SqliteCheckpointer;
  /** SQLite: the same connection, for synchronous statements while it is idle. */
  readonly direct?: SqliteDirect;
}> {
  const location = parseStoreUrl(url);
  const shown = redactStoreUrl(url);
  if (location.dialect === 'sqlite') {
    const background = options.backgroundCheckpoints === true && !location.memory;
    const { db, direct } = openSqlite(location.path, {
      memory: location.memory,
      create: options.create !== false,
      shown,
      backgroundCheckpoints: background,
    });
    if (!background) return { db, dialect: 'sqlite', direct };
    try {
      return { db, dialect: 'sqlite', direct, checkpointer: await startSqliteCheckpointer(location.path) };
    } catch (error) {
      await db.destroy().catch(() => undefined);
      throw new FerryError(
        'FERRY_STORE_FAILED',
        `cannot start the checkpoint thread of ${shown}: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
  }
  return { db: await openPostgres(location.connectionString, options, shown), dialect: 'postgres' };
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
