/**
 * bench/store: the store's hot queries on SQLite and PostgreSQL, side by side.
 * There is no reference tool to run beside ferry here (DLRN's SQLAlchemy layer
 * is not installable on this machine); the two dialects are each other's yardstick,
 * and the plans show each query is served by an index at the API bench's size.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import pg from 'pg';

import { findCommitsQuery, successfulCommitQuery } from '../../src/store/commits.js';
import { lastBuildsQuery, newestBuildRefsQuery } from '../../src/store/newest-builds.js';
import { connectDatabase } from '../../src/store/open-store.js';
import type { Database } from '../../src/store/schema.js';
import {
  openStore,
  seedStore,
  type SeedSummary,
  type Store,
  type StoreDialect,
} from '../../src/store/index.js';
import { findPromotionsQuery } from '../../src/store/promotions.js';
import { repoVotePageQuery } from '../../src/store/vote-pages.js';
import { newestVoteQuery, votesForCommitQuery } from '../../src/store/votes.js';

const { values } = parseArgs({
  options: {
    commits: { type: 'string', default: '20000' },
    votes: { type: 'string', default: '100000' },
    iterations: { type: 'string', default: '300' },
    pg: {
      type: 'string',
      default: process.env.FERRY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
    'no-plans': { type: 'boolean', default: false },
  },
});
const COMMITS = Number(values.commits);
const VOTES = Number(values.votes);
const ITERATIONS = Number(values.iterations);
const NOW = 1_700_000_000;

interface Timing {
  readonly mean: number;
  readonly p99: number;
}

async function time(iterations: number, run: (i: number) => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < Math.min(20, iterations); i++) await run(i); // warm caches and statements
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    await run(i);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return {
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
    p99: samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.99))]!,
  };
}

type Case = readonly [name: string, run: (store: Store, seed: SeedSummary, i: number) => Promise<unknown>];

const CASES: readonly Case[] = [
  [
    'lastTestedVote (job, success, max_age)',
    (s, seed, i) =>
      s.lastTestedVote({
        after: NOW - 86_400 * 30,
        jobId: seed.ciNames[i % seed.ciNames.length]!,
        success: true,
      }),
  ],
  ['lastTestedVote (any job)', (s) => s.lastTestedVote({ after: 0 })],
  [
    'findSuccessfulCommit (report_result lookup)',
    (s, seed, i) => s.findSuccessfulCommit(seed.samples[i % seed.samples.length]!),
  ],
  [
    'recordVote (report_result write)',
    (s, seed, i) =>
      s.recordVote({
        commitId: seed.samples[i % seed.samples.length]!.id,
        ciName: 'bench-job',
        ciVote: i % 3 !== 0,
        timestamp: NOW + i,
      }),
  ],
  [
    'votesForCommit (repo_status)',
    (s, seed, i) => s.votesForCommit(seed.samples[i % seed.samples.length]!.id),
  ],
  ['findPromotions (name, limit 1)', (s) => s.findPromotions({ promotionName: 'current-tripleo', limit: 1 })],
  [
    'latestSuccessfulBuild (one package)',
    (s, seed, i) => s.latestSuccessfulBuild(seed.projects[i % seed.projects.length]!),
  ],
  ['lastBuildsPerProject (all packages)', (s) => s.lastBuildsPerProject({ withoutStatus: 'RETRY' })],
  ['newestBuildRefs (every publish)', (s) => s.newestBuildRefs()],
  ['buildMetrics (one week)', (s) => s.buildMetrics({ start: NOW - 7 * 86_400, end: NOW })],
  ['storeCounts (/metrics)', (s) => s.storeCounts()],
  ['repoVotePage (civotes.html)', (s) => s.repoVotePage({ offset: 0 })],
];

async function planOf(db: Kysely<Database>, dialect: StoreDialect, query: Compilable): Promise<string> {
  const compiled = query.compile();
  const prefix = dialect === 'sqlite' ? 'explain query plan ' : 'explain (costs off) ';
  const result = await db.executeQuery<Record<string, string>>(
    CompiledQuery.raw(prefix + compiled.sql, [...compiled.parameters]),
  );
  return result.rows.map((row) => row.detail ?? row['QUERY PLAN']).join(' | ');
}

async function plans(url: string, dialect: StoreDialect, seed: SeedSummary): Promise<void> {
  const { db } = await connectDatabase(url);
  const sample = seed.samples[0]!;
  const queries: [string, Compilable][] = [
    [
      'newestVote by job',
      newestVoteQuery(db, { ciName: seed.ciNames[0]!, after: NOW - 86_400 * 30, success: true }),
    ],
    ['newestVote any job', newestVoteQuery(db, { excludeCiName: 'consistent', after: 0 })],
    ['successful commit', successfulCommitQuery(db, sample)],
    ['votes of a commit', votesForCommitQuery(db, sample.id)],
    ['promotions by name', findPromotionsQuery(db, { promotionName: 'current-tripleo', limit: 1 })],
    [
      'last success of a package',
      findCommitsQuery(db, { project: seed.projects[0]!, status: 'SUCCESS', limit: 1 }),
    ],
    ['newest build per package', lastBuildsQuery(db, { withoutStatus: 'RETRY' })],
    ['newest builds of a publish', newestBuildRefsQuery(db, { type: 'rpm', status: 'SUCCESS' })],
    ['civotes page', repoVotePageQuery(db, 0, 100)],
  ];
  console.log(`\nplans on ${dialect} (unforced, ${COMMITS} commits, ${VOTES} votes):`);
  for (const [name, query] of queries)
    console.log(`  ${name.padEnd(28)} ${await planOf(db, dialect, query)}`);
  await db.destroy();
}

async function vacuum(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('VACUUM ANALYZE');
  await client.end();
}

interface Run {
  readonly seedSeconds: number;
  readonly timings: Map<string, Timing>;
}

async function runOn(url: string, dialect: StoreDialect): Promise<Run> {
  const store = await openStore(url, { create: true });
  const start = process.hrtime.bigint();
  const seed = await seedStore(store, { commits: COMMITS, votes: VOTES, now: NOW });
  await store.recordPromotion({
    commitId: seed.samples[0]!.id,
    promotionName: 'current-tripleo',
    timestamp: NOW,
  });
  const seedSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  // A server that has run a while has been vacuumed (autovacuum): index-only scans
  // need PostgreSQL's visibility map, which a fresh load does not have yet.
  if (dialect === 'postgres') await vacuum(url);
  const timings = new Map<string, Timing>();
  for (const [name, run] of CASES) timings.set(name, await time(ITERATIONS, (i) => run(store, seed, i)));
  await store.close();
  if (!values['no-plans']) await plans(url, dialect, seed);
  return { seedSeconds, timings };
}

async function postgresUrl(
  maintenance: string,
): Promise<{ url: string; drop: () => Promise<void> } | string> {
  const name = `ferry_bench_store_${process.pid}`;
  const client = new pg.Client({ connectionString: maintenance, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } catch (error) {
    return `no PostgreSQL at ${maintenance}: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
  const url = new URL(maintenance);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const admin = new pg.Client({ connectionString: maintenance });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
      await admin.end();
    },
  };
}

const fmt = (ms: number | undefined) => (ms === undefined ? '-' : ms.toFixed(3).padStart(8));

async function main(): Promise<void> {
  console.log(`bench/store: ${COMMITS} commits, ${VOTES} votes, ${ITERATIONS} iterations per query`);
  const dir = join('.bench-cache', 'store');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const sqlite = await runOn(`sqlite:${join(dir, 'bench.db')}`, 'sqlite');
  const target = await postgresUrl(values.pg);
  let postgres: Run | undefined;
  if (typeof target === 'string') {
    console.log(`\nPostgreSQL not measured: ${target}`);
  } else {
    try {
      postgres = await runOn(target.url, 'postgres');
    } finally {
      await target.drop();
    }
  }

  console.log(
    '\nlatency in ms (mean / p99)               SQLite mean      p99 | Postgres mean      p99 | PG/SQLite',
  );
  for (const [name] of CASES) {
    const s = sqlite.timings.get(name)!;
    const p = postgres?.timings.get(name);
    const ratio = p ? (p.mean / s.mean).toFixed(2) : '-';
    console.log(
      `${name.padEnd(42)} ${fmt(s.mean)} ${fmt(s.p99)} | ${fmt(p?.mean)} ${fmt(p?.p99)} | ${ratio.padStart(6)}`,
    );
  }
  console.log(
    `seeding ${COMMITS} commits + ${VOTES} votes: SQLite ${sqlite.seedSeconds.toFixed(2)} s, PostgreSQL ${postgres ? `${postgres.seedSeconds.toFixed(2)} s` : '-'}`,
  );
  console.log(`peak memory (RSS): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

await main();
