import { sql, type Insertable } from 'kysely';

import type { Database } from './schema.js';
import { runInTransaction, type StoreContext } from './store-context.js';

/** Tables `bulkInsert` fills (every table but build_jobs, which only the chaser writes). */
export const BULK_TABLES = ['projects', 'commits', 'civotes', 'civotes_agg', 'promotions', 'users'] as const;
export type BulkTable = (typeof BULK_TABLES)[number];

/** Loads at least this large refresh the table's planner statistics. */
const ANALYZE_AFTER_ROWS = 1000;

/** Stays well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters per statement. */
const MAX_PARAMETERS = 30_000;

/**
 * Inserts many rows of one table in one transaction, keeping explicit ids
 * (`ferry import dlrn` keeps DLRN's, so votes and promotions still point at
 * the right commits) and moving PostgreSQL's id sequence past them. Returns
 * the number of rows inserted. Rows are raw table rows (snake_case columns).
 */
export async function bulkInsert<T extends BulkTable>(
  ctx: StoreContext,
  table: T,
  rows: readonly Insertable<Database[T]>[],
): Promise<number> {
  if (rows.length === 0) return 0;
  // A multi-row VALUES needs the same columns in every row (SQLite has no DEFAULT
  // keyword there), so rows are grouped by the columns they set.
  const groups = new Map<string, Insertable<Database[T]>[]>();
  for (const row of rows) {
    const key = Object.keys(row).sort().join(',');
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return runInTransaction(ctx, async (tx) => {
    for (const [key, group] of groups) {
      const chunk = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, key.split(',').length)));
      for (let i = 0; i < group.length; i += chunk) {
        await tx.db
          .insertInto(table)
          .values(group.slice(i, i + chunk))
          .execute();
      }
    }
    // Fresh statistics after a large load: without them PostgreSQL plans the new rows
    // with guesses (a bitmap scan and a sort of every vote of a job instead of one
    // backward index step). SQLite is left without statistics on purpose: its default
    // plans are the index walks bench/store measured, while with sqlite_stat1 it
    // prefers bloom filters over the whole commits table (7x slower).
    if (tx.dialect === 'postgres' && rows.length >= ANALYZE_AFTER_ROWS) {
      await sql`analyze ${sql.table(table)}`.execute(tx.db);
    }
    if (tx.dialect === 'postgres' && table !== 'users' && rows.some((row) => 'id' in row)) {
      await sql`select setval(pg_get_serial_sequence(${table}, 'id'), (select coalesce(max(id), 1) from ${sql.table(table)}))`.execute(
        tx.db,
      );
    }
    return rows.length;
  });
}
