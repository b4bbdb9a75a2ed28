import { sql, type ExpressionBuilder } from 'kysely';

import { RESERVED_JOB_NAMES } from './records.js';
import type { Database } from './schema.js';
import type { StoreContext } from './store-context.js';

/**
 * True when no client may vote under `name`: `current`, `consistent`, or a
 * name that is or was a promotion target. Names compare exactly, as both
 * dialects' text columns do (`Consistent` is another job).
 */
export async function isReservedJobName(ctx: StoreContext, name: string): Promise<boolean> {
  if (RESERVED_JOB_NAMES.includes(name)) return true;
  const row = await ctx.db
    .selectFrom('promotions')
    .select('id')
    .where('promotion_name', '=', name)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** One kind of row that no version of ferry should have stored, found by `storeProblems`. */
export interface StoreProblem {
  readonly table: string;
  /** What is wrong with these rows, and what ferry does about them. */
  readonly problem: string;
  readonly count: number;
}

type VoteTable = 'civotes' | 'civotes_agg';

/** Votes a client recorded (every API write carries its user) under a reserved job name. */
function reservedClientVote(eb: ExpressionBuilder<Database, VoteTable>) {
  return eb.and([
    eb('user', 'is not', null),
    eb.or([
      eb('ci_name', 'in', RESERVED_JOB_NAMES),
      eb('ci_name', 'in', eb.selectFrom('promotions').select('promotion_name')),
    ]),
  ]);
}

/** A bigint time column outside [0, latest]; null is no time, not a bad one. */
function outOfRange(column: string, latest: number) {
  const ref = sql.ref(column);
  return sql<boolean>`(${ref} is not null and (${ref} < 0 or ${ref} > ${latest}))`;
}

async function count(query: { executeTakeFirst(): Promise<{ n: number | string | bigint } | undefined> }) {
  const row = await query.executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Rows the store holds that ferry refuses today and that its repair
 * migration (0003) could not fix because they came later or are history it
 * must not rewrite: client votes under reserved job names (an import of a
 * DLRN history may bring them), votes with times outside [1970, now + 1
 * day], and builds and promotions with such times (from git or an import).
 * `ferry status` reports them; nothing is changed.
 */
export async function storeProblems(ctx: StoreContext, now: number): Promise<StoreProblem[]> {
  const latest = now + 86_400;
  const problems: StoreProblem[] = [];
  const add = (table: string, problem: string, n: number): void => {
    if (n > 0) problems.push({ table, problem, count: n });
  };
  const n = sql<number>`count(*)`.as('n');
  for (const table of ['civotes', 'civotes_agg'] as const) {
    add(
      table,
      'votes by clients under a reserved job name (current, consistent or a promotion name); labels ignore them',
      await count(ctx.db.selectFrom(table).select(n).where(reservedClientVote)),
    );
    add(
      table,
      'votes with a timestamp outside [1970, one day past the clock]; pages show the raw number',
      await count(ctx.db.selectFrom(table).select(n).where(outOfRange('timestamp', latest))),
    );
  }
  add(
    'promotions',
    'promotions with a timestamp outside [1970, one day past the clock]; pages show the raw number',
    await count(ctx.db.selectFrom('promotions').select(n).where(outOfRange('timestamp', latest))),
  );
  const commitTimes = ['dt_commit', 'dt_distro', 'dt_extended', 'dt_build'].map((column) =>
    outOfRange(column, latest),
  );
  add(
    'commits',
    'builds with a commit or build time outside [1970, one day past the clock]; pages show the raw number',
    await count(
      ctx.db
        .selectFrom('commits')
        .select(n)
        .where(sql<boolean>`(${sql.join(commitTimes, sql` or `)})`),
    ),
  );
  return problems;
}
