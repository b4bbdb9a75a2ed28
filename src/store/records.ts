import type { Selectable } from 'kysely';

import { isRole, type Role } from '../auth/roles.js';

import type {
  BuildJobsTable,
  CiVotesAggTable,
  CiVotesTable,
  CommitsTable,
  ProjectsTable,
  PromotionsTable,
  UsersTable,
} from './schema.js';

export const BUILD_STATUSES = ['SUCCESS', 'FAILED', 'RETRY'] as const;
/** The outcome of a build attempt, as DLRN records it. */
export type BuildStatus = (typeof BUILD_STATUSES)[number];

export function isBuildStatus(value: unknown): value is BuildStatus {
  return typeof value === 'string' && (BUILD_STATUSES as readonly string[]).includes(value);
}

export const COMMIT_TYPES = ['rpm', 'container'] as const;
export type CommitType = (typeof COMMIT_TYPES)[number];

export function isCommitType(value: unknown): value is CommitType {
  return typeof value === 'string' && (COMMIT_TYPES as readonly string[]).includes(value);
}

/** DLRN's `FLAG_PURGED` bit of `commits.flags`: the snapshot's files were removed. */
export const FLAG_PURGED = 0x2;

/**
 * ferry's bit of `commits.flags` (DLRN uses only 0x2): the build was brought
 * by `remote/import` from another instance, not built here. Its snapshot holds
 * that build's files only, so it never becomes `current` or `consistent`, and
 * the chaser does not take its claimed commit time as where to continue from.
 */
export const FLAG_IMPORTED = 0x4;

/** Whether a build was brought by remote/import (FLAG_IMPORTED). */
export function isImportedBuild(commit: { readonly flags: number }): boolean {
  return (commit.flags & FLAG_IMPORTED) !== 0;
}

/** The vote DLRN's chaser (and ferry's) records when a snapshot becomes `consistent`. */
export const CONSISTENT_CI_NAME = 'consistent';

/**
 * Job names no client may vote under: the chaser's labels (the layout's
 * CHASER_LABELS; the store sits below it and repeats them). Every name that
 * is or was a promotion target is reserved too (see `isReservedJobName`).
 */
export const RESERVED_JOB_NAMES: readonly string[] = ['current', CONSISTENT_CI_NAME];

/**
 * A build attempt of one upstream commit (DLRN's Commit). Field names are the
 * camelCase of DLRN's columns, which is also what DLRN's GraphQL API returns.
 */
export interface CommitRecord {
  readonly id: number;
  readonly type: string;
  readonly projectName: string;
  readonly commitHash: string;
  readonly distroHash: string;
  readonly extendedHash: string | null;
  readonly commitBranch: string | null;
  readonly component: string | null;
  readonly status: BuildStatus;
  /** Unix seconds of the upstream commit. */
  readonly dtCommit: number | null;
  readonly dtDistro: number | null;
  readonly dtExtended: number | null;
  /** Unix seconds of the build start. */
  readonly dtBuild: number | null;
  readonly repoDir: string | null;
  readonly distgitDir: string | null;
  /** Comma-separated paths relative to the workspace, as DLRN stores them; see `splitArtifacts`. */
  readonly artifacts: string | null;
  readonly nvr: string | null;
  readonly notes: string | null;
  readonly flags: number;
  /** `flags & FLAG_PURGED`. */
  readonly purged: boolean;
  readonly versionsCsv: string | null;
  readonly notified: boolean;
}

/** A CI job's vote on one commit's snapshot (DLRN's CIVote). */
export interface CiVoteRecord {
  readonly id: number;
  readonly commitId: number;
  readonly ciName: string | null;
  readonly ciUrl: string | null;
  readonly ciVote: boolean;
  readonly ciInProgress: boolean;
  readonly timestamp: number;
  readonly notes: string | null;
  readonly user: string | null;
  readonly component: string | null;
}

/** A CI job's vote on an aggregate hash (DLRN's CIVote_Aggregate). */
export interface AggregateVoteRecord {
  readonly id: number;
  readonly refHash: string;
  readonly ciName: string | null;
  readonly ciUrl: string | null;
  readonly ciVote: boolean;
  readonly ciInProgress: boolean;
  readonly timestamp: number;
  readonly notes: string | null;
  readonly user: string | null;
}

/** A promotion of a commit's snapshot to a name (DLRN's Promotion). */
export interface PromotionRecord {
  readonly id: number;
  readonly commitId: number;
  readonly promotionName: string;
  readonly timestamp: number;
  readonly user: string | null;
  readonly component: string | null;
  readonly aggregateHash: string | null;
}

/** A promotion with the hashes of the commit it points at (what DLRN's `promotions` endpoint returns). */
export interface PromotionWithCommit extends PromotionRecord {
  readonly commitHash: string;
  readonly distroHash: string;
  readonly extendedHash: string | null;
  readonly commitComponent: string | null;
}

/**
 * A label moved by the chaser (ferry addition, no DLRN equivalent): where a
 * label it maintains should point is the newest such row, never a vote.
 */
export interface LabelMoveRecord {
  readonly id: number;
  readonly label: string;
  readonly component: string | null;
  readonly commitId: number;
  /** Unix seconds. */
  readonly movedAt: number;
}

/** An API user. `passwordHash` is never logged nor printed. */
export interface UserRecord {
  readonly name: string;
  readonly passwordHash: string;
  readonly role: Role;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface ProjectRecord {
  readonly id: number;
  readonly projectName: string;
  readonly lastNotified: number;
}

/** A build started and not yet recorded (see `startBuild`). */
export interface BuildJobRecord {
  readonly id: number;
  readonly type: string;
  readonly projectName: string;
  readonly commitHash: string;
  readonly distroHash: string;
  readonly extendedHash: string | null;
  readonly commitBranch: string | null;
  readonly component: string | null;
  readonly dtCommit: number | null;
  readonly dtDistro: number | null;
  readonly dtExtended: number | null;
  readonly repoDir: string | null;
  readonly distgitDir: string | null;
  /** Start of the current attempt (unix seconds). */
  readonly dtBuild: number;
  readonly owner: string;
  readonly heartbeat: number;
  /** 1 for a first attempt; more when an interrupted job was taken over. */
  readonly attempt: number;
}

/** The files of a commit's `artifacts` column. */
export function splitArtifacts(artifacts: string | null): string[] {
  return artifacts ? artifacts.split(',').filter((a) => a.length > 0) : [];
}

export function toCommit(row: Selectable<CommitsTable>): CommitRecord {
  return {
    id: row.id,
    type: row.type,
    projectName: row.project_name,
    commitHash: row.commit_hash,
    distroHash: row.distro_hash,
    extendedHash: row.extended_hash,
    commitBranch: row.commit_branch,
    component: row.component,
    status: row.status as BuildStatus,
    dtCommit: row.dt_commit,
    dtDistro: row.dt_distro,
    dtExtended: row.dt_extended,
    dtBuild: row.dt_build,
    repoDir: row.repo_dir,
    distgitDir: row.distgit_dir,
    artifacts: row.artifacts,
    nvr: row.nvr,
    notes: row.notes,
    flags: row.flags,
    purged: (row.flags & FLAG_PURGED) !== 0,
    versionsCsv: row.versions_csv,
    notified: row.notified !== 0,
  };
}

export function toVote(row: Selectable<CiVotesTable>): CiVoteRecord {
  return {
    id: row.id,
    commitId: row.commit_id,
    ciName: row.ci_name,
    ciUrl: row.ci_url,
    ciVote: row.ci_vote !== 0,
    ciInProgress: row.ci_in_progress !== 0,
    timestamp: row.timestamp,
    notes: row.notes,
    user: row.user,
    component: row.component,
  };
}

export function toAggregateVote(row: Selectable<CiVotesAggTable>): AggregateVoteRecord {
  return {
    id: row.id,
    refHash: row.ref_hash,
    ciName: row.ci_name,
    ciUrl: row.ci_url,
    ciVote: row.ci_vote !== 0,
    ciInProgress: row.ci_in_progress !== 0,
    timestamp: row.timestamp,
    notes: row.notes,
    user: row.user,
  };
}

export function toPromotion(row: Selectable<PromotionsTable>): PromotionRecord {
  return {
    id: row.id,
    commitId: row.commit_id,
    promotionName: row.promotion_name,
    timestamp: row.timestamp,
    user: row.user,
    component: row.component,
    aggregateHash: row.aggregate_hash,
  };
}

export function toUser(row: Selectable<UsersTable>): UserRecord {
  return {
    name: row.username,
    passwordHash: row.password_hash,
    // Rows are written through addUser/setUserRole, which only accept roles; an unknown
    // value (a hand-edited row) degrades to the least privilege.
    role: isRole(row.role) ? row.role : 'read',
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toProject(row: Selectable<ProjectsTable>): ProjectRecord {
  return { id: row.id, projectName: row.project_name, lastNotified: row.last_notified };
}

export function toBuildJob(row: Selectable<BuildJobsTable>): BuildJobRecord {
  return {
    id: row.id,
    type: row.type,
    projectName: row.project_name,
    commitHash: row.commit_hash,
    distroHash: row.distro_hash,
    extendedHash: row.extended_hash,
    commitBranch: row.commit_branch,
    component: row.component,
    dtCommit: row.dt_commit,
    dtDistro: row.dt_distro,
    dtExtended: row.dt_extended,
    repoDir: row.repo_dir,
    distgitDir: row.distgit_dir,
    dtBuild: row.dt_build,
    owner: row.owner,
    heartbeat: row.heartbeat,
    attempt: row.attempt,
  };
}
