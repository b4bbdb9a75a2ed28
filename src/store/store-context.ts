import { sql, type Kysely } from 'kysely';

import type { Database } from './schema.js';
import type { SqliteDirect } from './sqlite-connection.js';
import type { StoreDialect } from './store-url.js';

/** What every store function runs against: a database handle, its dialect and a clock. */
export interface StoreContext {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /** Unix seconds; tests pass a fixed clock. */
  readonly clock: () => number;
  /** True inside `runInTransaction`: nested transactions join the outer one. */
  readonly inTransaction: boolean;
  /** SQLite stores: synchronous statements while the connection is idle (hot paths only; see SqliteDirect). */
  readonly direct?: SqliteDirect;
}

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Runs `fn` in one transaction (or in the current one when already inside).
 * SQLite transactions start with BEGIN IMMEDIATE: the write lock is taken up
 * front, so two processes never both read then fail to upgrade to writing
 * (SQLITE_BUSY without waiting); busy_timeout makes the second one wait instead.
 */
export async function runInTransaction<T>(
  ctx: StoreContext,
  fn: (tx: StoreContext) => Promise<T>,
): Promise<T> {
  if (ctx.inTransaction) return fn(ctx);
  if (ctx.dialect === 'postgres') {
    return ctx.db.transaction().execute((trx) => fn({ ...ctx, db: trx, inTransaction: true }));
  }
  return ctx.db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn({ ...ctx, db: conn, inTransaction: true });
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}
