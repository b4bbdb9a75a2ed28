import { sql, type Insertable } from 'kysely';

import { passwordScheme, type Role } from '../auth/index.js';
import { FerryError } from '../errors.js';
import type { BulkTable, Database, StoreApi } from '../store/index.js';
import { openDlrnSource, type DlrnDatabase, type DlrnSource, type DlrnTable } from './dlrn-database.js';
import { parseDlrnUrl, redactDlrnUrl } from './dlrn-url.js';
import {
  mapAggregateVote,
  mapCommit,
  mapProjects,
  mapPromotion,
  mapUser,
  mapVote,
  type Mapped,
} from './map-dlrn-rows.js';

/** What happened to one table. */
export interface TableReport {
  readonly read: number;
  readonly imported: number;
  readonly skipped: number;
}

/** The outcome of `importDlrn`: per table counts and the reasons rows were skipped. */
export interface ImportReport {
  readonly source: string;
  readonly tables: Readonly<Record<BulkTable, TableReport>>;
  /** Why rows were skipped or need attention (at most MAX_PROBLEMS; `problemCount` has the total). */
  readonly problems: readonly string[];
  readonly problemCount: number;
}

export interface ImportOptions {
  /** Role given to DLRN's users (DLRN had none; every user could write). Default `write`. */
  readonly role?: Role;
  /** Rows read per query (default 5000). */
  readonly batchSize?: number;
  /** Unix seconds for the users' created/updated times. */
  readonly now?: number;
  /** Working directory for relative sqlite paths. */
  readonly cwd?: string;
}

const MAX_PROBLEMS = 200;

type Cursorless = 'users';

/** Reads a table in id order, `batch` rows at a time (keyset paging: constant cost per page). */
async function* readTable<T extends Exclude<DlrnTable, Cursorless>>(
  source: DlrnSource,
  table: T,
  batch: number,
): AsyncGenerator<DlrnDatabase[T][]> {
  const columns = source.columns.get(table);
  if (!columns) return;
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const rows = (await source.db
      .selectFrom(table as DlrnTable)
      .select([...columns].map((column) => sql.ref(column).as(column)))
      .where(sql.ref('id'), '>', after)
      .orderBy(sql.ref('id'))
      .limit(batch)
      .execute()) as unknown as DlrnDatabase[T][];
    if (rows.length === 0) return;
    yield rows;
    after = (rows[rows.length - 1] as { id: number }).id;
    if (rows.length < batch) return;
  }
}

/**
 * Moves a DLRN instance's history into ferry's store: projects, commits
 * (builds), votes, aggregate votes, promotions and users, keeping DLRN's ids
 * so every reference still holds. DLRN's sha512_crypt password hashes are
 * kept as they are (ferry verifies them and upgrades them to scrypt at the
 * next login). The store must not hold builds, votes or promotions yet
 * (FERRY_CONFLICT); users already there are kept and DLRN's of the same name
 * skipped. Rows ferry cannot take (an unknown status, a vote on a commit
 * that does not exist) are skipped and reported. Everything is written in
 * one transaction: a failure leaves the store as it was.
 */
export async function importDlrn(
  store: StoreApi,
  url: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const shown = redactDlrnUrl(url);
  const location = parseDlrnUrl(url, options.cwd);
  const counts = await store.storeCounts();
  if (counts.builds + counts.votes + counts.aggregateVotes + counts.promotions > 0) {
    throw new FerryError(
      'FERRY_CONFLICT',
      `the store already holds ${counts.builds} builds, ${counts.votes} votes and ${counts.promotions} promotions; import a DLRN database into a new workspace`,
    );
  }
  const role = options.role ?? 'write';
  const batch = options.batchSize ?? 5000;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const problems: string[] = [];
  let problemCount = 0;
  const note = (problem: string): void => {
    problemCount++;
    if (problems.length < MAX_PROBLEMS) problems.push(problem);
  };
  const tables: Record<BulkTable, { read: number; imported: number; skipped: number }> = {
    projects: { read: 0, imported: 0, skipped: 0 },
    commits: { read: 0, imported: 0, skipped: 0 },
    civotes: { read: 0, imported: 0, skipped: 0 },
    civotes_agg: { read: 0, imported: 0, skipped: 0 },
    promotions: { read: 0, imported: 0, skipped: 0 },
    users: { read: 0, imported: 0, skipped: 0 },
  };

  const source = await openDlrnSource(location, shown);
  try {
    await store.transaction(async (tx) => {
      const insert = async <T extends BulkTable>(
        table: T,
        mapped: readonly Mapped<Insertable<Database[T]>>[],
      ): Promise<void> => {
        const rows: Insertable<Database[T]>[] = [];
        for (const item of mapped) {
          if ('row' in item) rows.push(item.row);
          else {
            tables[table].skipped++;
            note(item.skip);
          }
        }
        tables[table].read += mapped.length;
        tables[table].imported += await tx.bulkInsert(table, rows);
      };

      const projectRows: DlrnDatabase['projects'][] = [];
      for await (const rows of readTable(source, 'projects', batch)) projectRows.push(...rows);
      const projects = mapProjects(projectRows);
      tables.projects.read = projectRows.length;
      tables.projects.skipped = projectRows.length - projects.length;
      tables.projects.imported = await tx.bulkInsert('projects', projects);

      const commitIds = new Set<number>();
      for await (const rows of readTable(source, 'commits', batch)) {
        const mapped = rows.map(mapCommit);
        for (const item of mapped) if ('row' in item && item.row.id !== undefined) commitIds.add(item.row.id);
        await insert('commits', mapped);
      }
      for await (const rows of readTable(source, 'civotes', batch)) {
        await insert(
          'civotes',
          rows.map((row) => mapVote(row, commitIds)),
        );
      }
      for await (const rows of readTable(source, 'civotes_agg', batch)) {
        await insert('civotes_agg', rows.map(mapAggregateVote));
      }
      for await (const rows of readTable(source, 'promotions', batch)) {
        await insert(
          'promotions',
          rows.map((row) => mapPromotion(row, commitIds)),
        );
      }

      if (source.columns.has('users')) {
        const existing = new Set((await tx.listUsers()).map((user) => user.name));
        const users = (await source.db
          .selectFrom('users')
          .selectAll()
          .orderBy('username')
          .execute()) as DlrnDatabase['users'][];
        const mapped = users.map((row): Mapped<Insertable<Database['users']>> => {
          if (existing.has(row.username))
            return { skip: `user ${row.username}: already a ferry user, kept as is` };
          const result = mapUser(row, role, now);
          if ('row' in result && passwordScheme(result.row.password_hash) === 'unknown') {
            note(
              `user ${row.username}: password hash of an unknown scheme; set a new one with ferry user passwd`,
            );
          }
          return result;
        });
        await insert('users', mapped);
      }
    });
  } finally {
    await source.close();
  }
  return { source: shown, tables, problems, problemCount };
}
