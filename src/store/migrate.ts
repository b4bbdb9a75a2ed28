import { Migrator, sql, type Kysely, type MigrationProvider } from 'kysely';

import { FerryError } from '../errors.js';
import { storeMigrations } from './migrations/index.js';
import type { Database } from './schema.js';
import type { StoreDialect } from './store-url.js';

/** What `migrateStore` did. */
export interface MigrationReport {
  /** Migrations applied by this call, in order (empty when the schema was current). */
  readonly applied: readonly string[];
  /** The newest migration of the schema now. */
  readonly current: string | undefined;
}

/** Names of every migration this ferry knows, in order. */
export function knownMigrations(dialect: StoreDialect): string[] {
  return Object.keys(storeMigrations(dialect)).sort();
}

/** Names of the migrations the database has run (empty for a new database). */
export async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  try {
    const result = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    return result.rows.map((row) => row.name);
  } catch {
    // No migration table yet: a new database. A real connection problem resurfaces in the migrator.
    return [];
  }
}

/**
 * Brings the schema to the newest version with Kysely's Migrator. Safe to run
 * from several processes at once: PostgreSQL serialises them with the
 * migrator's advisory lock; on SQLite the whole run is one BEGIN IMMEDIATE
 * transaction, so a second process waits (busy_timeout) and then finds
 * nothing to do.
 */
export async function migrateStore(db: Kysely<Database>, dialect: StoreDialect): Promise<MigrationReport> {
  const migrations = storeMigrations(dialect);
  const known = Object.keys(migrations).sort();
  const before = await appliedMigrations(db);
  const unknown = before.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new FerryError(
      'FERRY_STORE_FAILED',
      `the database schema is newer than this ferry (unknown migration ${unknown.join(', ')}): upgrade ferry`,
    );
  }
  if (known.every((name) => before.includes(name))) return { applied: [], current: known.at(-1) };

  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };
  const run = async (target: Kysely<Database>, disableTransactions: boolean) => {
    const migrator = new Migrator({ db: target, provider, disableTransactions });
    return migrator.migrateToLatest();
  };
  const { error, results } =
    dialect === 'sqlite'
      ? await db.connection().execute(async (conn) => {
          await sql`begin immediate`.execute(conn);
          let outcome: Awaited<ReturnType<typeof run>> | undefined;
          try {
            outcome = await run(conn, true);
            if (outcome.error === undefined) {
              await sql`commit`.execute(conn);
              return outcome;
            }
          } catch (failure) {
            outcome = { error: failure, results: outcome?.results };
          }
          await sql`rollback`.execute(conn).catch(() => undefined);
          return outcome;
        })
      : await run(db, false);
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const detail = error instanceof Error ? error.message : JSON.stringify(error);
    const which = failed === undefined ? 'database migration' : `database migration ${failed}`;
    throw new FerryError('FERRY_STORE_FAILED', `${which} failed: ${detail}`, { cause: error });
  }
  return {
    applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
    current: known.at(-1),
  };
}
