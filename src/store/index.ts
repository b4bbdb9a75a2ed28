/**
 * The store: ferry's database (Kysely over SQLite or PostgreSQL). Open it with
 * `openStore(url)`; every query is a verb-named method of the returned Store.
 * docs/store.md describes the tables, indexes and crash-safety design.
 */
export { openStore, type OpenStoreOptions, type Store } from './open-store.js';
export type { StoreApi } from './store.js';
export {
  parseStoreUrl,
  redactStoreUrl,
  STORE_DIALECTS,
  type StoreDialect,
  type StoreLocation,
} from './store-url.js';
export { knownMigrations, type MigrationReport } from './migrate.js';
export {
  BUILD_STATUSES,
  COMMIT_TYPES,
  CONSISTENT_CI_NAME,
  FLAG_IMPORTED,
  FLAG_PURGED,
  isBuildStatus,
  isImportedBuild,
  isCommitType,
  RESERVED_JOB_NAMES,
  splitArtifacts,
  type AggregateVoteRecord,
  type BuildJobRecord,
  type BuildStatus,
  type CiVoteRecord,
  type CommitRecord,
  type CommitType,
  type LabelMoveRecord,
  type ProjectRecord,
  type PromotionRecord,
  type PromotionWithCommit,
  type UserRecord,
} from './records.js';
export type { BuildResult, NewBuild, StartBuildOptions } from './build-jobs.js';
export type { CommitFilter, NewCommit, SnapshotHashes } from './commits.js';
export type { BuildRef, LastBuildsFilter } from './newest-builds.js';
export type {
  LastTestedQuery,
  NewestVoteFilter,
  NewVote,
  TimestampRange,
  VoteFilter,
  VoteListOptions,
  VoteWithCommit,
} from './votes.js';
export { DEFAULT_VOTE_LIST_LIMIT } from './votes.js';
export type { AggregateVoteFilter, NewAggregateVote } from './aggregate-votes.js';
export {
  VOTE_PAGE_SIZE,
  type AggregateVoteSummary,
  type RepoVoteSummary,
  type VotePage,
} from './vote-pages.js';
export { DEFAULT_PROMOTION_LIMIT, type NewPromotion, type PromotionFilter } from './promotions.js';
export type { NewUser } from './users.js';
export type { NewLabelMove } from './label-moves.js';
export type { StoreProblem } from './reserved-names.js';
export { NOTIFY_INTERVAL_SECONDS } from './projects.js';
export type { BuildMetrics, StoreCounts } from './metrics.js';
export { BULK_TABLES, type BulkTable } from './bulk-insert.js';
export type { Database } from './schema.js';
export { seedStore, type SeedOptions, type SeedSummary } from './seed-store.js';
