import type { Insertable } from 'kysely';

import { isValidUserName, type Role } from '../auth/index.js';
import { nvrFromArtifacts } from '../layout/index.js';
import { isBuildStatus, isCommitType, splitArtifacts, type Database } from '../store/index.js';
import type { DlrnDatabase } from './dlrn-database.js';

/**
 * Pure mapping of DLRN rows onto ferry's tables. DLRN's schema is loose
 * (SQLite stores what it is given; columns are nullable), ferry's is not:
 * each function returns the row to insert, or the reason the row cannot be
 * imported.
 */

export type Mapped<T> = { readonly row: T } | { readonly skip: string };

type Row<T extends keyof DlrnDatabase> = DlrnDatabase[T];

/** An integer from what the driver returned (SQLite may hold `1444139038.0` or `'1444139038'`). */
export function toInt(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'bigint' || typeof value === 'string'
        ? Number(value)
        : Number.NaN;
  return Number.isFinite(n) ? Math.trunc(n) : null;
}

/** A boolean column as 0/1 (SQLite 0/1, MariaDB tinyint(1), or the strings SQLite may hold). */
export function toFlag(value: unknown): number {
  if (value === true) return 1;
  if (value === null || value === undefined || value === false) return 0;
  if (typeof value === 'number' || typeof value === 'bigint') return Number(value) !== 0 ? 1 : 0;
  if (typeof value !== 'string') return 0;
  const word = value.toLowerCase();
  return word === '1' || word === 'true' || word === 't' ? 1 : 0;
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value instanceof Buffer) return value.toString('utf8');
  return JSON.stringify(value);
}

/** The NVR of a build from its source RPM artifact (`…/foo-1.0-1.el9.src.rpm` → `foo-1.0-1.el9`), as DLRN derives it. */
function nvrOf(artifacts: string | null): string | null {
  return nvrFromArtifacts(splitArtifacts(artifacts)) || null;
}

export function mapCommit(row: Row<'commits'>): Mapped<Insertable<Database['commits']>> {
  const status = row.status ?? null;
  if (!isBuildStatus(status)) return { skip: `commit ${row.id}: unknown status ${JSON.stringify(status)}` };
  const type = row.type ?? 'rpm';
  if (!isCommitType(type)) return { skip: `commit ${row.id}: unknown type ${JSON.stringify(type)}` };
  if (!row.commit_hash) return { skip: `commit ${row.id}: no commit_hash` };
  if (!row.project_name) return { skip: `commit ${row.id}: no project_name` };
  const artifacts = text(row.artifacts ?? row.rpms ?? null);
  const cleanArtifacts = artifacts === 'None' || artifacts === '' ? null : artifacts;
  return {
    row: {
      id: row.id,
      type,
      dt_commit: toInt(row.dt_commit),
      dt_distro: toInt(row.dt_distro),
      dt_extended: toInt(row.dt_extended),
      dt_build: toInt(row.dt_build),
      project_name: row.project_name,
      repo_dir: text(row.repo_dir),
      distgit_dir: text(row.distgit_dir),
      commit_hash: row.commit_hash,
      // Packages without a distgit have no distro hash; ferry's column is not null.
      distro_hash: row.distro_hash ?? '',
      extended_hash: row.extended_hash === 'None' ? null : text(row.extended_hash),
      commit_branch: text(row.commit_branch),
      status,
      component: row.component === 'None' ? null : text(row.component),
      artifacts: cleanArtifacts,
      nvr: nvrOf(cleanArtifacts),
      notes: text(row.notes),
      flags: toInt(row.flags) ?? 0,
      versions_csv: text(row.versions_csv),
      // DLRN already sent its failure e-mails; ferry must not repeat them for history.
      notified: status === 'SUCCESS' ? 0 : 1,
    },
  };
}

export function mapVote(
  row: Row<'civotes'>,
  commitIds: ReadonlySet<number>,
): Mapped<Insertable<Database['civotes']>> {
  const commitId = toInt(row.commit_id);
  if (commitId === null || !commitIds.has(commitId)) {
    return { skip: `vote ${row.id}: commit ${String(row.commit_id)} does not exist` };
  }
  return {
    row: {
      id: row.id,
      commit_id: commitId,
      ci_name: text(row.ci_name),
      ci_url: text(row.ci_url),
      ci_vote: toFlag(row.ci_vote),
      ci_in_progress: toFlag(row.ci_in_progress),
      timestamp: toInt(row.timestamp) ?? 0,
      notes: text(row.notes),
      user: text(row.user),
      component: text(row.component),
    },
  };
}

export function mapAggregateVote(row: Row<'civotes_agg'>): Mapped<Insertable<Database['civotes_agg']>> {
  if (!row.ref_hash) return { skip: `aggregate vote ${row.id}: no ref_hash` };
  return {
    row: {
      id: row.id,
      ref_hash: row.ref_hash,
      ci_name: text(row.ci_name),
      ci_url: text(row.ci_url),
      ci_vote: toFlag(row.ci_vote),
      ci_in_progress: toFlag(row.ci_in_progress),
      timestamp: toInt(row.timestamp) ?? 0,
      notes: text(row.notes),
      user: text(row.user),
    },
  };
}

export function mapPromotion(
  row: Row<'promotions'>,
  commitIds: ReadonlySet<number>,
): Mapped<Insertable<Database['promotions']>> {
  const commitId = toInt(row.commit_id);
  if (commitId === null || !commitIds.has(commitId)) {
    return { skip: `promotion ${row.id}: commit ${String(row.commit_id)} does not exist` };
  }
  if (!row.promotion_name) return { skip: `promotion ${row.id}: no promotion_name` };
  return {
    row: {
      id: row.id,
      commit_id: commitId,
      promotion_name: row.promotion_name,
      timestamp: toInt(row.timestamp) ?? 0,
      user: text(row.user),
      component: row.component === 'None' ? null : text(row.component),
      aggregate_hash: text(row.aggregate_hash),
    },
  };
}

export function mapUser(row: Row<'users'>, role: Role, now: number): Mapped<Insertable<Database['users']>> {
  if (!isValidUserName(row.username))
    return { skip: `user ${JSON.stringify(row.username)}: not a valid ferry user name` };
  if (!row.password) return { skip: `user ${row.username}: no password hash` };
  return {
    row: { username: row.username, password_hash: row.password, role, created_at: now, updated_at: now },
  };
}

/**
 * DLRN's projects (notification throttle), one per name: DLRN does not make
 * the name unique, ferry does; the newest notification time wins.
 */
export function mapProjects(rows: readonly Row<'projects'>[]): Insertable<Database['projects']>[] {
  const byName = new Map<string, Insertable<Database['projects']>>();
  for (const row of rows) {
    if (!row.project_name) continue;
    const lastNotified = toInt(row.last_email) ?? 0;
    const existing = byName.get(row.project_name);
    if (!existing || (existing.last_notified ?? 0) < lastNotified) {
      byName.set(row.project_name, {
        id: row.id,
        project_name: row.project_name,
        last_notified: lastNotified,
      });
    }
  }
  return [...byName.values()];
}
