import BetterSqlite3 from 'better-sqlite3';
import { Kysely, MysqlDialect, SqliteDialect } from 'kysely';
import { createPool } from 'mysql2';

import { FerryError } from '../errors.js';
import type { DlrnLocation } from './dlrn-url.js';

/**
 * DLRN's tables as its SQLAlchemy models define them (dlrn/db.py). Columns
 * added by later DLRN migrations may be missing from an old database, so
 * every one but the keys is optional and the reader selects only the columns
 * that exist. Values are as the drivers return them: SQLite may hold a float
 * or a string where DLRN meant an integer, MariaDB returns tinyint(1) for
 * booleans.
 */
export interface DlrnDatabase {
  readonly commits: {
    id: number;
    type?: string | null;
    dt_commit?: number | string | null;
    dt_distro?: number | string | null;
    dt_extended?: number | string | null;
    dt_build?: number | string | null;
    project_name?: string | null;
    repo_dir?: string | null;
    distgit_dir?: string | null;
    commit_hash?: string | null;
    distro_hash?: string | null;
    extended_hash?: string | null;
    commit_branch?: string | null;
    status?: string | null;
    component?: string | null;
    artifacts?: string | null;
    /** Before DLRN's `rename_artifacts` migration. */
    rpms?: string | null;
    notes?: string | null;
    flags?: number | string | null;
    versions_csv?: string | null;
  };
  readonly projects: { id: number; project_name?: string | null; last_email?: number | string | null };
  readonly civotes: {
    id: number;
    commit_id?: number | null;
    ci_name?: string | null;
    ci_url?: string | null;
    ci_vote?: number | boolean | string | null;
    ci_in_progress?: number | boolean | string | null;
    timestamp?: number | string | null;
    notes?: string | null;
    user?: string | null;
    component?: string | null;
  };
  readonly civotes_agg: {
    id: number;
    ref_hash?: string | null;
    ci_name?: string | null;
    ci_url?: string | null;
    ci_vote?: number | boolean | string | null;
    ci_in_progress?: number | boolean | string | null;
    timestamp?: number | string | null;
    notes?: string | null;
    user?: string | null;
  };
  readonly promotions: {
    id: number;
    commit_id?: number | null;
    promotion_name?: string | null;
    timestamp?: number | string | null;
    user?: string | null;
    component?: string | null;
    aggregate_hash?: string | null;
  };
  readonly users: { username: string; password?: string | null };
}

export type DlrnTable = keyof DlrnDatabase;
export const DLRN_TABLES: readonly DlrnTable[] = [
  'projects',
  'commits',
  'civotes',
  'civotes_agg',
  'promotions',
  'users',
];

/** An open DLRN database: a read-only Kysely handle and which columns each table has. */
export interface DlrnSource {
  readonly db: Kysely<DlrnDatabase>;
  /** Columns per table; a table DLRN's migrations had not created yet is absent. */
  readonly columns: ReadonlyMap<DlrnTable, ReadonlySet<string>>;
  close(): Promise<void>;
}

function openKysely(location: DlrnLocation): Kysely<DlrnDatabase> {
  if (location.dialect === 'sqlite') {
    let database: BetterSqlite3.Database;
    try {
      database = new BetterSqlite3(location.path, { readonly: true, fileMustExist: true });
    } catch (error) {
      throw new FerryError(
        'FERRY_STORE_FAILED',
        `cannot open DLRN database ${location.path}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    return new Kysely<DlrnDatabase>({ dialect: new SqliteDialect({ database }) });
  }
  const pool = createPool({
    host: location.host,
    port: location.port,
    user: location.user,
    password: location.password,
    database: location.database,
    connectionLimit: 2,
    connectTimeout: 10_000,
    // DLRN's integer columns fit a JS number; decimals would come back as strings.
    supportBigNumbers: true,
    bigNumberStrings: false,
  });
  return new Kysely<DlrnDatabase>({ dialect: new MysqlDialect({ pool }) });
}

/**
 * Opens a DLRN database read-only and reads its table layout. Connection
 * failures and a database without DLRN's `commits` table are
 * FERRY_STORE_FAILED.
 */
export async function openDlrnSource(location: DlrnLocation, shownUrl: string): Promise<DlrnSource> {
  const db = openKysely(location);
  try {
    const tables = await db.introspection.getTables();
    const columns = new Map<DlrnTable, Set<string>>();
    for (const table of tables) {
      if ((DLRN_TABLES as readonly string[]).includes(table.name)) {
        columns.set(table.name as DlrnTable, new Set(table.columns.map((column) => column.name)));
      }
    }
    if (!columns.has('commits')) {
      throw new FerryError(
        'FERRY_STORE_FAILED',
        `${shownUrl} is not a DLRN database: it has no commits table`,
      );
    }
    return { db, columns, close: () => db.destroy() };
  } catch (error) {
    await db.destroy().catch(() => undefined);
    if (error instanceof FerryError) throw error;
    throw new FerryError(
      'FERRY_STORE_FAILED',
      `cannot read DLRN database ${shownUrl}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
