import type { Kysely, Migration } from 'kysely';

import type { StoreDialect } from '../store-url.js';
import { withIdColumn } from './id-column.js';

/** This migration's name, as recorded in the rows it repairs. */
const NAME = '0003-trusted-labels';

/** The tables as this migration sees them (a migration never follows later schema changes). */
interface Tables {
  civotes: VoteRow & { commit_id: number; component: string | null };
  civotes_agg: VoteRow & { ref_hash: string };
  commits: { id: number; status: string };
  promotions: { promotion_name: string };
  label_moves: { label: string; component: string | null; commit_id: number; moved_at: number };
  repaired_rows: {
    migration: string;
    table_name: string;
    row_id: number;
    reason: string;
    row_json: string;
    repaired_at: number;
  };
}

interface VoteRow {
  id: number;
  ci_name: string | null;
  ci_vote: number;
  ci_in_progress: number;
  timestamp: number;
  user: string | null;
}

/** Rows are moved in batches: a store flooded with bad votes is repaired in bounded memory. */
const BATCH = 500;

/**
 * Why migration 0003 exists: a client with the write role could vote under
 * the job name `consistent` (or `current`, or a promotion name) with a time
 * in 2100, and the chaser's recovery then put `consistent` on that build,
 * for good. From this version on:
 *
 * - `label_moves` records where the chaser moved the labels it maintains;
 *   recovery reads only that table, which no API route writes. It starts
 *   with the newest `consistent` vote of each component that the chaser
 *   itself wrote (no user: every API write carries its user; a successful
 *   vote on a successful build), in vote order, so the newest row is where
 *   recovery put the label before;
 * - client votes (with a user) under a reserved job name, and votes whose
 *   timestamp is outside [0, now + 1 day], are removed from `civotes` and
 *   `civotes_agg` and kept in `repaired_rows` (the table, the id, why, and
 *   the row as JSON), where an operator can read them or put them back.
 *
 * What the migration cannot repair (builds and promotions with such times,
 * bad rows an import brings later) `ferry status` reports.
 */
export function trustedLabelsMigration(dialect: StoreDialect): Migration {
  const withId = withIdColumn(dialect);

  return {
    async up(raw: Kysely<unknown>): Promise<void> {
      const db = raw as Kysely<Tables>;
      await withId(db.schema.createTable('label_moves'))
        .addColumn('label', 'text', (col) => col.notNull())
        .addColumn('component', 'text')
        .addColumn('commit_id', 'integer', (col) => col.notNull().references('commits.id'))
        .addColumn('moved_at', 'bigint', (col) => col.notNull())
        .execute();
      // Newest move of a label, overall and per component.
      await db.schema
        .createIndex('label_moves_label_id')
        .on('label_moves')
        .columns(['label', 'id'])
        .execute();
      await db.schema
        .createIndex('label_moves_label_component_id')
        .on('label_moves')
        .columns(['label', 'component', 'id'])
        .execute();
      await withId(db.schema.createTable('repaired_rows'))
        .addColumn('migration', 'text', (col) => col.notNull())
        .addColumn('table_name', 'text', (col) => col.notNull())
        .addColumn('row_id', 'bigint', (col) => col.notNull())
        .addColumn('reason', 'text', (col) => col.notNull())
        .addColumn('row_json', 'text', (col) => col.notNull())
        .addColumn('repaired_at', 'bigint', (col) => col.notNull())
        .execute();

      const now = Math.floor(Date.now() / 1000);
      for (const table of ['civotes', 'civotes_agg'] as const) {
        await repairVotes(db, table, now);
      }
      await seedConsistentMoves(db);
    },

    async down(raw: Kysely<unknown>): Promise<void> {
      // A downgrade returns to 0002's schema; the removed votes go with repaired_rows.
      await raw.schema.dropTable('repaired_rows').execute();
      await raw.schema.dropTable('label_moves').execute();
    },
  };
}

/** Moves the bad votes of one table to repaired_rows, a batch at a time. */
async function repairVotes(db: Kysely<Tables>, table: 'civotes' | 'civotes_agg', now: number): Promise<void> {
  const latest = now + 86_400;
  const reserved = ['current', 'consistent'];
  // Each batch continues after the last: one pass over the table, however many rows go.
  for (let after = 0; ;) {
    const rows = (await db
      .selectFrom(table)
      .selectAll()
      .where('id', '>', after)
      .where((eb) =>
        eb.or([
          eb('timestamp', '<', 0),
          eb('timestamp', '>', latest),
          eb.and([
            eb('user', 'is not', null),
            eb.or([
              eb('ci_name', 'in', reserved),
              eb('ci_name', 'in', eb.selectFrom('promotions').select('promotion_name')),
            ]),
          ]),
        ]),
      )
      .orderBy('id')
      .limit(BATCH)
      .execute()) as unknown as (VoteRow & Record<string, unknown>)[];
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    const names = [...new Set(rows.map((row) => row.ci_name).filter((name) => name !== null))];
    const promoted = await db
      .selectFrom('promotions')
      .select('promotion_name')
      .distinct()
      .where('promotion_name', 'in', names.length > 0 ? names : [''])
      .execute();
    const reservedHere = new Set([...reserved, ...promoted.map((p) => p.promotion_name)]);
    await db
      .insertInto('repaired_rows')
      .values(
        rows.map((row) => ({
          migration: NAME,
          table_name: table,
          row_id: row.id,
          reason: reasons(row, reservedHere, latest).join('; '),
          row_json: JSON.stringify(row),
          repaired_at: now,
        })),
      )
      .execute();
    await db
      .deleteFrom(table)
      .where(
        'id',
        'in',
        rows.map((row) => row.id),
      )
      .execute();
  }
}

/** Why repairVotes removes a vote: every reason that applies. */
function reasons(row: VoteRow, reserved: ReadonlySet<string>, latest: number): string[] {
  const why: string[] = [];
  if (row.user !== null && row.ci_name !== null && reserved.has(row.ci_name)) {
    why.push(`a client's vote under the reserved job name ${JSON.stringify(row.ci_name)}`);
  }
  if (row.timestamp < 0 || row.timestamp > latest)
    why.push(`timestamp ${row.timestamp} outside [0, ${latest}]`);
  return why;
}

/**
 * The first label_moves rows: per component, the newest `consistent` vote
 * the chaser wrote, oldest first, so that the newest row overall and per
 * component is the build recovery chose before.
 */
async function seedConsistentMoves(db: Kysely<Tables>): Promise<void> {
  const chaserVotes = db
    .selectFrom('civotes')
    .innerJoin('commits', 'commits.id', 'civotes.commit_id')
    .where('civotes.ci_name', '=', 'consistent')
    .where('civotes.user', 'is', null)
    .where('civotes.ci_vote', '=', 1)
    .where('civotes.ci_in_progress', '=', 0)
    .where('commits.status', '=', 'SUCCESS');
  const components = await chaserVotes.select('civotes.component').distinct().execute();
  const newest: { commit_id: number; component: string | null; timestamp: number; id: number }[] = [];
  for (const { component } of components) {
    const row = await chaserVotes
      .select(['civotes.id', 'civotes.commit_id', 'civotes.component', 'civotes.timestamp'])
      .where('civotes.component', component === null ? 'is' : '=', component)
      .orderBy('civotes.timestamp', 'desc')
      .orderBy('civotes.id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (row) newest.push(row);
  }
  newest.sort((a, b) => a.timestamp - b.timestamp || a.id - b.id);
  for (const row of newest) {
    await db
      .insertInto('label_moves')
      .values({
        label: 'consistent',
        component: row.component,
        commit_id: row.commit_id,
        moved_at: row.timestamp,
      })
      .execute();
  }
}
