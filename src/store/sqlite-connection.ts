import { statSync } from 'node:fs';

import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';

import { FerryError } from '../errors.js';
import { ChangeStamps, writtenTable } from './change-stamps.js';
import { InlineLimitsPlugin } from './inline-limits.js';
import type { Database } from './schema.js';

/** Seconds SQLite waits for another process's write lock before failing. */
const SQLITE_BUSY_TIMEOUT_MS = 15_000;

/** The WAL file is truncated to this when it is started over (see also sqlite-checkpointer.ts). */
const WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;

/** How many prepared statements an SQLite store keeps (distinct SQL texts; least recently used go first). */
const STATEMENT_CACHE_SIZE = 256;

/** Runs one prepared statement: its rows (none for statements that return none). */
export type RunStatement = (sql: string, parameters: readonly unknown[]) => unknown[];

/**
 * Synchronous use of a store's SQLite connection while no transaction is
 * open on it. Kysely reaches the connection through promises and a mutex
 * (10 to 15 µs a query, more than running a hot query); between two
 * transactions the connection is idle, and a statement run to completion
 * synchronously cannot interleave with anything. While a transaction holds
 * the connection (a Kysely transaction spans awaits) both methods answer
 * undefined and the caller goes through Kysely, which waits its turn.
 */
export interface SqliteDirect {
  run(sql: string, parameters: readonly unknown[]): unknown[] | undefined;
  /** Runs `fn` in one transaction (BEGIN IMMEDIATE … COMMIT, rolled back if it throws). */
  transaction<T>(fn: (run: RunStatement) => T): { readonly value: T } | undefined;
  /** The change stamps of the tables (any statement on this connection, Kysely's or direct, is noted). */
  readonly stamps: ChangeStamps;
}

export interface OpenSqliteOptions {
  readonly memory: boolean;
  /** Create the file when missing. */
  readonly create: boolean;
  /** The URL as shown in messages. */
  readonly shown: string;
  /** Automatic WAL checkpoints off: a checkpointer thread does them (see sqlite-checkpointer.ts). */
  readonly backgroundCheckpoints: boolean;
}

/** Opens an SQLite store's connection: Kysely over it, and direct access to the same connection. */
export function openSqlite(
  path: string,
  options: OpenSqliteOptions,
): { readonly db: Kysely<Database>; readonly direct: SqliteDirect } {
  let database: BetterSqlite3.Database;
  try {
    database = new BetterSqlite3(path, { fileMustExist: !options.create });
    if (!options.memory) {
      // WAL: readers never block the writer and a killed process leaves a consistent database.
      database.pragma('journal_mode = WAL');
      // NORMAL is crash-safe in WAL mode (a killed process loses nothing committed);
      // only an OS crash or power loss may drop the last transactions.
      database.pragma('synchronous = NORMAL');
      // The checkpointer thread does them (its fsyncs would stall this thread).
      if (options.backgroundCheckpoints) database.pragma('wal_autocheckpoint = 0');
      // When a write starts the WAL over, the file is cut back to this (SQLite keeps it whole otherwise).
      database.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    }
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    database.pragma('foreign_keys = ON');
  } catch (error) {
    throw new FerryError(
      'FERRY_STORE_FAILED',
      `cannot open database ${options.shown}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const dataVersion = database.prepare('pragma data_version').pluck();
  const stamps = new ChangeStamps(() => dataVersion.get() as number);
  const boundWal = options.memory ? () => undefined : walBound(database, path);
  const prepare = statementCache(database, stamps, boundWal);
  const run: RunStatement = (sql, parameters) => {
    const statement = prepare(sql);
    if (statement.reader) return statement.all(parameters);
    statement.run(parameters);
    return [];
  };
  const begin = database.prepare('begin immediate');
  const commit = database.prepare('commit');
  const rollback = database.prepare('rollback');
  const direct: SqliteDirect = {
    stamps,
    run: (sql, parameters) => (database.inTransaction ? undefined : run(sql, parameters)),
    transaction: (fn) => {
      if (database.inTransaction) return undefined;
      boundWal();
      begin.run();
      try {
        const value = fn(run);
        commit.run();
        return { value };
      } catch (error) {
        if (database.inTransaction) rollback.run();
        throw error;
      }
    },
  };
  const kyselyDatabase: SqliteDatabase = { close: () => database.close(), prepare };
  return {
    db: new Kysely<Database>({
      dialect: new SqliteDialect({ database: kyselyDatabase }),
      plugins: [new InlineLimitsPlugin()],
    }),
    direct,
  };
}

/** Past this the writer itself empties the WAL before its next write (see walBound). */
const WAL_HARD_LIMIT_BYTES = 40 * 1024 * 1024;
/** The longest the writer waits for readers to leave the WAL it empties. */
const WAL_BOUND_WAIT_MS = 1000;
/** Writes between two looks at the WAL's size (a stat costs a few µs). */
const WAL_CHECK_EVERY = 16;

/**
 * The last resort that keeps the WAL bounded: writes that outrun the
 * checkpointer (thousands of votes a second, with readers always present)
 * starve it of the write lock, since the writer takes it again at once. Every
 * few writes, before a write transaction starts, the writer looks at the WAL;
 * past the hard limit it runs a TRUNCATE checkpoint itself, waiting (and so
 * holding its writes back) until the WAL is copied and emptied. It is the
 * back-pressure: rare, and only when writes come faster than checkpoints.
 */
function walBound(database: BetterSqlite3.Database, path: string): () => void {
  let writes = 0;
  // A synchronous pause between attempts: this thread is the writer, and holding back is the point.
  const pause = new Int32Array(new SharedArrayBuffer(4));
  return () => {
    if (++writes < WAL_CHECK_EVERY) return;
    writes = 0;
    let size = 0;
    try {
      size = statSync(`${path}-wal`).size;
    } catch {
      return;
    }
    if (size <= WAL_HARD_LIMIT_BYTES) return;
    // A reader that never lets go must not stall this thread for busy_timeout's 15 s.
    database.pragma(`busy_timeout = ${WAL_BOUND_WAIT_MS}`);
    try {
      for (let waited = 0; waited < WAL_BOUND_WAIT_MS; waited += 5) {
        const [result] = database.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number }[];
        // log -1: the checkpointer thread holds the checkpoint lock (SQLite does not wait for it); anything
        // else: done, or readers outlasted the wait (the next check tries again).
        if (!result || result.log !== -1) return;
        Atomics.wait(pause, 0, 0, 5);
      }
    } catch {
      // The next check tries again.
    } finally {
      database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    }
  };
}

interface Prepared {
  readonly statement: BetterSqlite3.Statement;
  /** The table it writes ('*': any), undefined for a statement that writes none. */
  readonly writes: string | undefined;
}

/**
 * better-sqlite3's prepare with the statements kept: Kysely's SQLite driver
 * prepares every query anew, which cost the API more than running the
 * queries. Statements are only used one at a time (Kysely holds its single
 * connection while a query runs; direct use is synchronous), so reusing
 * them is safe. Both Kysely and direct use prepare a statement right before
 * running it, so this is also where writes are noted in `stamps`.
 */
function statementCache(
  database: BetterSqlite3.Database,
  stamps: ChangeStamps,
  beforeWrite: () => void,
): (text: string) => BetterSqlite3.Statement {
  const statements = new Map<string, Prepared>();
  return (text) => {
    let prepared = statements.get(text);
    if (prepared) {
      statements.delete(text); // re-inserted below: the Map's order is the recency order
    } else {
      const statement = database.prepare(text);
      prepared = { statement, writes: statement.readonly ? undefined : writtenTable(text) };
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
    }
    statements.set(text, prepared);
    if (prepared.writes !== undefined) {
      stamps.noteWrite(prepared.writes);
      if (!database.inTransaction) beforeWrite();
    } else if (text === 'begin immediate' && !database.inTransaction) {
      beforeWrite();
    }
    return prepared.statement;
  };
}
