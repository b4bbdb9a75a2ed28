import type { ColumnType, Generated } from 'kysely';

/**
 * The store's tables, as Kysely sees them. Column names follow DLRN's
 * `dlrn/db.py` wherever DLRN has the same concept, so `ferry import dlrn` maps
 * rows one to one and the API's JSON field names come straight from them.
 *
 * Both dialects store exactly the same values: timestamps are integers (unix
 * seconds, as DLRN), booleans are integers 0/1 (SQLite has no boolean type),
 * text is unbounded. The store's functions convert rows to the readonly
 * records of `records.ts`; nothing outside `src/store` uses these types.
 */
export interface Database {
  readonly projects: ProjectsTable;
  readonly commits: CommitsTable;
  readonly civotes: CiVotesTable;
  readonly civotes_agg: CiVotesAggTable;
  readonly promotions: PromotionsTable;
  readonly users: UsersTable;
  readonly build_jobs: BuildJobsTable;
  readonly label_moves: LabelMovesTable;
  readonly repaired_rows: RepairedRowsTable;
}

/** A column with a database default: optional on insert. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

/** One row per package ever built; DLRN's `projects`. */
export interface ProjectsTable {
  id: Generated<number>;
  project_name: string;
  /** When the last failure notification went out (DLRN's `last_email`); 0 = never. */
  last_notified: Defaulted<number>;
}

/**
 * One row per finished build attempt; DLRN's `commits`. A commit that was
 * retried has one RETRY row per failed attempt, then its final row, exactly
 * as DLRN records it (its retry count is the number of RETRY rows).
 */
export interface CommitsTable {
  id: Generated<number>;
  /** `rpm` or `container`. */
  type: Defaulted<string>;
  dt_commit: number | null;
  dt_distro: number | null;
  dt_extended: number | null;
  /** Start of the build (DLRN sets it before building; the release string derives from it). */
  dt_build: number | null;
  project_name: string;
  repo_dir: string | null;
  distgit_dir: string | null;
  commit_hash: string;
  distro_hash: string;
  extended_hash: string | null;
  commit_branch: string | null;
  /** SUCCESS, FAILED or RETRY. */
  status: string;
  component: string | null;
  /** Comma-separated paths of the built files, relative to the workspace (`repos/xx/yy/…/x.rpm`). */
  artifacts: string | null;
  /** NVR of the source package of this build (ferry addition; DLRN derives it from artifacts). */
  nvr: string | null;
  /** Free-form notes; for failures the tail of the build log. */
  notes: string | null;
  /** Bit flags; 0x2 = purged (DLRN's FLAG_PURGED). */
  flags: Defaulted<number>;
  versions_csv: string | null;
  /** 1 once a failure notification was sent for this build (ferry addition). */
  notified: Defaulted<number>;
}

/** A CI vote on one commit's snapshot; DLRN's `civotes`. */
export interface CiVotesTable {
  id: Generated<number>;
  commit_id: number;
  ci_name: string | null;
  ci_url: string | null;
  ci_vote: number;
  ci_in_progress: number;
  timestamp: number;
  notes: string | null;
  user: string | null;
  component: string | null;
}

/** A CI vote on an aggregate hash (components); DLRN's `civotes_agg`. */
export interface CiVotesAggTable {
  id: Generated<number>;
  ref_hash: string;
  ci_name: string | null;
  ci_url: string | null;
  ci_vote: number;
  ci_in_progress: number;
  timestamp: number;
  notes: string | null;
  user: string | null;
}

/** A label pointed at a commit's snapshot; DLRN's `promotions`. */
export interface PromotionsTable {
  id: Generated<number>;
  commit_id: number;
  promotion_name: string;
  timestamp: number;
  user: string | null;
  component: string | null;
  aggregate_hash: string | null;
}

/** API users; DLRN's `users` plus a role and timestamps. */
export interface UsersTable {
  username: string;
  /** Encoded password hash (`$scrypt$…` or DLRN's `$6$…`); never logged. */
  password_hash: string;
  /** read, write or admin. */
  role: string;
  created_at: number;
  updated_at: number;
}

/**
 * Builds started and not yet recorded (ferry addition, no DLRN equivalent).
 * A row exists from `startBuild` until `finishBuild` records the commit in the
 * same transaction that deletes it, so an interrupted build is found again on
 * restart and redone, and a build is never recorded twice.
 */
export interface BuildJobsTable {
  id: Generated<number>;
  /** `type:project:commit_hash:distro_hash:extended_hash`; unique, so one job per build. */
  build_key: string;
  type: string;
  project_name: string;
  commit_hash: string;
  distro_hash: string;
  extended_hash: string | null;
  commit_branch: string | null;
  component: string | null;
  dt_commit: number | null;
  dt_distro: number | null;
  dt_extended: number | null;
  repo_dir: string | null;
  distgit_dir: string | null;
  /** Start of the current attempt; becomes the commit's dt_build. */
  dt_build: number;
  /** Who runs it (`host:pid`). */
  owner: string;
  /** Last sign of life from the owner; a stale job may be taken over. */
  heartbeat: number;
  /** 1 for the first attempt, incremented each time the job is taken over. */
  attempt: Defaulted<number>;
}

/**
 * Where the chaser moved a label it maintains (ferry addition, no DLRN
 * equivalent; today `consistent`), written in the transaction that records
 * the build. Recovery puts the label back on the newest row's build: only
 * ferry writes this table, so no client input (votes, imports) can decide
 * where the label points. The `consistent` vote is still recorded beside it,
 * for DLRN's API.
 */
export interface LabelMovesTable {
  id: Generated<number>;
  label: string;
  /** The component whose label moved; null without components. */
  component: string | null;
  commit_id: number;
  moved_at: number;
}

/**
 * Rows a migration removed because no version of ferry should have accepted
 * them (migration 0003: client votes under reserved job names, votes with
 * times out of range), kept as JSON so an operator can look at them or put
 * them back.
 */
export interface RepairedRowsTable {
  id: Generated<number>;
  /** The migration that removed the row. */
  migration: string;
  table_name: string;
  row_id: number;
  reason: string;
  /** The row as it was, every column (JSON object). */
  row_json: string;
  repaired_at: number;
}
