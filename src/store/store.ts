import type { Insertable } from 'kysely';

import * as aggregateVotes from './aggregate-votes.js';
import * as buildJobs from './build-jobs.js';
import { stampedLookup } from './change-stamps.js';
import * as bulk from './bulk-insert.js';
import * as commitUpdates from './commit-updates.js';
import * as commits from './commits.js';
import * as labelMoves from './label-moves.js';
import * as newestBuilds from './newest-builds.js';
import * as metrics from './metrics.js';
import * as projects from './projects.js';
import * as reservedNames from './reserved-names.js';
import * as promotions from './promotions.js';
import type { Database } from './schema.js';
import { runInTransaction, type StoreContext } from './store-context.js';
import type { StoreDialect } from './store-url.js';
import * as users from './users.js';
import * as votePages from './vote-pages.js';
import * as votes from './votes.js';

/** The store functions, each bound to one database handle (drops the leading context argument). */
type Bound<F> = F extends (ctx: StoreContext, ...args: infer A) => infer R ? (...args: A) => R : never;

/**
 * Every query ferry runs, as verb-named functions; no SQL outside src/store.
 * The same interface is handed to `transaction` callbacks, bound to the
 * transaction. Both dialects behave identically (the tests run each function
 * on SQLite and PostgreSQL).
 *
 * @example
 *   const store = await openStore('sqlite:ferry.db');
 *   const job = await store.startBuild({ projectName: 'foo', commitHash, distroHash }, { owner: 'host:42' });
 *   const commit = await store.finishBuild(job!, { status: 'SUCCESS', artifacts: ['repos/…/foo-1.0.rpm'] });
 *   await store.recordVote({ commitId: commit.id, ciName: 'ci-job', ciVote: true });
 *   await store.close();
 */
export interface StoreApi {
  readonly dialect: StoreDialect;
  /** Runs `fn` in one transaction; nested calls join it. Use only `tx` inside, not the outer store. */
  transaction<T>(fn: (tx: StoreApi) => Promise<T>): Promise<T>;

  // builds (chaser)
  readonly startBuild: Bound<typeof buildJobs.startBuild>;
  readonly touchBuild: Bound<typeof buildJobs.touchBuild>;
  readonly finishBuild: Bound<typeof buildJobs.finishBuild>;
  readonly abandonBuild: Bound<typeof buildJobs.abandonBuild>;
  readonly pendingBuilds: Bound<typeof buildJobs.pendingBuilds>;

  // commits
  readonly recordCommit: Bound<typeof commits.recordCommit>;
  readonly getCommit: Bound<typeof commits.getCommit>;
  readonly findCommits: Bound<typeof commits.findCommits>;
  readonly findSuccessfulCommit: Bound<typeof commits.findSuccessfulCommit>;
  readonly findVotedCommit: Bound<typeof commits.findVotedCommit>;
  readonly lastProcessedCommit: Bound<typeof commits.lastProcessedCommit>;
  readonly lastBuiltCommit: Bound<typeof commits.lastBuiltCommit>;
  readonly latestSuccessfulBuild: Bound<typeof commits.latestSuccessfulBuild>;
  readonly lastBuildsPerProject: Bound<typeof newestBuilds.lastBuildsPerProject>;
  readonly lastBuildRefs: Bound<typeof newestBuilds.lastBuildRefs>;
  readonly newestBuildRefs: Bound<typeof newestBuilds.newestBuildRefs>;
  readonly isAlreadyBuilt: Bound<typeof commits.isAlreadyBuilt>;
  readonly countRetries: Bound<typeof commits.countRetries>;
  readonly setCommitStatus: Bound<typeof commitUpdates.setCommitStatus>;
  readonly markNotified: Bound<typeof commitUpdates.markNotified>;
  readonly markPurged: Bound<typeof commitUpdates.markPurged>;
  readonly deleteCommit: Bound<typeof commitUpdates.deleteCommit>;
  readonly commitComponents: Bound<typeof commits.commitComponents>;

  // votes
  readonly recordVote: Bound<typeof votes.recordVote>;
  readonly recordVotes: Bound<typeof votes.recordVotes>;
  readonly votesForCommit: Bound<typeof votes.votesForCommit>;
  readonly findVotes: Bound<typeof votes.findVotes>;
  readonly newestVote: Bound<typeof votes.newestVote>;
  readonly lastTestedVote: Bound<typeof votes.lastTestedVote>;
  readonly recordAggregateVote: Bound<typeof aggregateVotes.recordAggregateVote>;
  readonly aggregateVotes: Bound<typeof aggregateVotes.aggregateVotes>;
  readonly findAggregateVotes: Bound<typeof aggregateVotes.findAggregateVotes>;
  readonly repoVotePage: Bound<typeof votePages.repoVotePage>;
  readonly aggregateVotePage: Bound<typeof votePages.aggregateVotePage>;

  // promotions
  readonly recordPromotion: Bound<typeof promotions.recordPromotion>;
  readonly findPromotions: Bound<typeof promotions.findPromotions>;
  readonly latestPromotion: Bound<typeof promotions.latestPromotion>;
  readonly isKnownAggregateHash: Bound<typeof promotions.isKnownAggregateHash>;
  readonly promotionComponents: Bound<typeof promotions.promotionComponents>;
  readonly promotionNames: Bound<typeof promotions.promotionNames>;

  // labels the chaser maintains, and the names reserved for them
  readonly recordLabelMove: Bound<typeof labelMoves.recordLabelMove>;
  readonly labelTarget: Bound<typeof labelMoves.labelTarget>;
  readonly isReservedJobName: Bound<typeof reservedNames.isReservedJobName>;
  readonly storeProblems: Bound<typeof reservedNames.storeProblems>;

  // users
  readonly addUser: Bound<typeof users.addUser>;
  readonly getUser: Bound<typeof users.getUser>;
  readonly listUsers: Bound<typeof users.listUsers>;
  readonly removeUser: Bound<typeof users.removeUser>;
  readonly setUserPassword: Bound<typeof users.setUserPassword>;
  readonly setUserRole: Bound<typeof users.setUserRole>;

  // projects (notification throttle)
  readonly ensureProject: Bound<typeof projects.ensureProject>;
  readonly getProject: Bound<typeof projects.getProject>;
  readonly listProjects: Bound<typeof projects.listProjects>;
  readonly claimNotification: Bound<typeof projects.claimNotification>;

  // metrics
  readonly buildMetrics: Bound<typeof metrics.buildMetrics>;
  readonly storeCounts: Bound<typeof metrics.storeCounts>;

  // import and seeding
  /** See `bulkInsert` in bulk-insert.ts: raw rows, explicit ids kept, one transaction. */
  bulkInsert<T extends bulk.BulkTable>(table: T, rows: readonly Insertable<Database[T]>[]): Promise<number>;
}

/** Binds every store function to `ctx`. */
export function bindStore(ctx: StoreContext): StoreApi {
  const bind =
    <A extends unknown[], R>(fn: (ctx: StoreContext, ...args: A) => R) =>
    (...args: A): R =>
      fn(ctx, ...args);
  // The API's per-request lookups (a CI vote: its user, its snapshot) from memory while their table is
  // unchanged; SQLite outside transactions only (PostgreSQL cannot tell cheaply that nothing changed).
  const stamps = ctx.inTransaction ? undefined : ctx.direct?.stamps;
  const findVotedCommit = bind(commits.findVotedCommit);
  const getUser = bind(users.getUser);
  // Every vote asks; the answer changes only with the promotions table. Wrapped: a cache keeps found values only.
  const reservedLookup = stamps
    ? stampedLookup(
        stamps,
        'promotions',
        10_000,
        (name: string) => name,
        async (name: string) => ({
          reserved: await reservedNames.isReservedJobName(ctx, name),
        }),
      )
    : undefined;
  return {
    dialect: ctx.dialect,
    transaction: <T>(fn: (tx: StoreApi) => Promise<T>) => runInTransaction(ctx, (tx) => fn(bindStore(tx))),

    startBuild: bind(buildJobs.startBuild),
    touchBuild: bind(buildJobs.touchBuild),
    finishBuild: bind(buildJobs.finishBuild),
    abandonBuild: bind(buildJobs.abandonBuild),
    pendingBuilds: bind(buildJobs.pendingBuilds),

    recordCommit: bind(commits.recordCommit),
    getCommit: bind(commits.getCommit),
    findCommits: bind(commits.findCommits),
    findSuccessfulCommit: bind(commits.findSuccessfulCommit),
    findVotedCommit: stamps
      ? stampedLookup(
          stamps,
          'commits',
          10_000,
          (h) => `${h.commitHash}\u0000${h.distroHash}\u0000${h.extendedHash ?? ''}`,
          findVotedCommit,
        )
      : findVotedCommit,
    lastProcessedCommit: bind(commits.lastProcessedCommit),
    lastBuiltCommit: bind(commits.lastBuiltCommit),
    latestSuccessfulBuild: bind(commits.latestSuccessfulBuild),
    lastBuildsPerProject: bind(newestBuilds.lastBuildsPerProject),
    lastBuildRefs: bind(newestBuilds.lastBuildRefs),
    newestBuildRefs: bind(newestBuilds.newestBuildRefs),
    isAlreadyBuilt: bind(commits.isAlreadyBuilt),
    countRetries: bind(commits.countRetries),
    setCommitStatus: bind(commitUpdates.setCommitStatus),
    markNotified: bind(commitUpdates.markNotified),
    markPurged: bind(commitUpdates.markPurged),
    deleteCommit: bind(commitUpdates.deleteCommit),
    commitComponents: bind(commits.commitComponents),

    recordVote: bind(votes.recordVote),
    recordVotes: bind(votes.recordVotes),
    votesForCommit: bind(votes.votesForCommit),
    findVotes: bind(votes.findVotes),
    newestVote: bind(votes.newestVote),
    lastTestedVote: bind(votes.lastTestedVote),
    recordAggregateVote: bind(aggregateVotes.recordAggregateVote),
    aggregateVotes: bind(aggregateVotes.aggregateVotes),
    findAggregateVotes: bind(aggregateVotes.findAggregateVotes),
    repoVotePage: bind(votePages.repoVotePage),
    aggregateVotePage: bind(votePages.aggregateVotePage),

    recordPromotion: bind(promotions.recordPromotion),
    findPromotions: bind(promotions.findPromotions),
    latestPromotion: bind(promotions.latestPromotion),
    isKnownAggregateHash: bind(promotions.isKnownAggregateHash),
    promotionComponents: bind(promotions.promotionComponents),
    promotionNames: bind(promotions.promotionNames),

    recordLabelMove: bind(labelMoves.recordLabelMove),
    labelTarget: bind(labelMoves.labelTarget),
    isReservedJobName: reservedLookup
      ? async (name: string) => (await reservedLookup(name))!.reserved
      : bind(reservedNames.isReservedJobName),
    storeProblems: bind(reservedNames.storeProblems),

    addUser: bind(users.addUser),
    getUser: stamps ? stampedLookup(stamps, 'users', 1_000, (name) => name, getUser) : getUser,
    listUsers: bind(users.listUsers),
    removeUser: bind(users.removeUser),
    setUserPassword: bind(users.setUserPassword),
    setUserRole: bind(users.setUserRole),

    ensureProject: bind(projects.ensureProject),
    getProject: bind(projects.getProject),
    listProjects: bind(projects.listProjects),
    claimNotification: bind(projects.claimNotification),

    buildMetrics: bind(metrics.buildMetrics),
    storeCounts: bind(metrics.storeCounts),

    bulkInsert: <T extends bulk.BulkTable>(table: T, rows: readonly Insertable<Database[T]>[]) =>
      bulk.bulkInsert(ctx, table, rows),
  };
}
