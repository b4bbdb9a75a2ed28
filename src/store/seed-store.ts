import { createHash } from 'node:crypto';

import type { Insertable } from 'kysely';

import { CONSISTENT_CI_NAME, type BuildStatus } from './records.js';
import type { CiVotesTable, CommitsTable } from './schema.js';
import type { StoreApi } from './store.js';

export interface SeedOptions {
  /** Commits (builds) to create; about 90% SUCCESS, 8% FAILED, 2% RETRY. */
  readonly commits: number;
  /** CI votes spread over the successful commits. */
  readonly votes: number;
  /** Packages the commits belong to (default min(200, commits)). */
  readonly projects?: number;
  /** CI job names to vote as (default ten `ci-job-N`); about 5% of votes are `consistent`. */
  readonly ciNames?: readonly string[];
  /** Unix seconds of the newest build (default now); builds are a minute apart, going back. */
  readonly now?: number;
  /** Same seed, same data. */
  readonly seed?: number;
}

export interface SeedSummary {
  readonly commits: number;
  readonly successful: number;
  readonly votes: number;
  readonly ciNames: readonly string[];
  readonly projects: readonly string[];
  /** A few successful snapshots (newest first) for benchmarks to query and vote on. */
  readonly samples: readonly {
    readonly id: number;
    readonly commitHash: string;
    readonly distroHash: string;
  }[];
  /** Timestamp of the oldest and newest vote. */
  readonly voteTimes: readonly [number, number];
}

/** mulberry32: a small deterministic generator, so a seeded store is the same every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/**
 * Fills a store with realistic history for benchmarks (the API bench uses
 * 20,000 commits and 100,000 votes): packages with successive builds, their
 * snapshots' votes by several CI jobs, the chaser's `consistent` votes. Ids
 * are explicit and start after the existing rows, so it can seed a store in use.
 */
export async function seedStore(store: StoreApi, options: SeedOptions): Promise<SeedSummary> {
  const rand = random(options.seed ?? 1);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const projectCount = Math.max(1, options.projects ?? Math.min(200, options.commits));
  const projects = Array.from({ length: projectCount }, (_, i) => `python-seed${i}`);
  const ciNames = options.ciNames ?? Array.from({ length: 10 }, (_, i) => `ci-job-${i}`);
  const [newestCommit] = await store.findCommits({ type: null, limit: 1 });
  const firstId = (newestCommit?.id ?? 0) + 1;

  const commits: Insertable<CommitsTable>[] = [];
  const successful: {
    id: number;
    commitHash: string;
    distroHash: string;
    dtBuild: number;
    component: null;
  }[] = [];
  for (let i = 0; i < options.commits; i++) {
    const id = firstId + i;
    const project = projects[i % projectCount]!;
    const roll = rand();
    const status: BuildStatus = roll < 0.9 ? 'SUCCESS' : roll < 0.98 ? 'FAILED' : 'RETRY';
    const commitHash = sha1(`commit:${options.seed ?? 1}:${id}`);
    const distroHash = sha1(`distro:${options.seed ?? 1}:${id}`);
    const dtBuild = now - (options.commits - i) * 60;
    const dir = `repos/${commitHash.slice(0, 2)}/${commitHash.slice(2, 4)}/${commitHash}_${distroHash.slice(0, 8)}`;
    commits.push({
      id,
      type: 'rpm',
      project_name: project,
      commit_hash: commitHash,
      distro_hash: distroHash,
      extended_hash: null,
      commit_branch: 'master',
      component: null,
      status,
      dt_commit: dtBuild - 600,
      dt_distro: dtBuild - 3600,
      dt_extended: null,
      dt_build: dtBuild,
      repo_dir: `/srv/ferry/sources/${project}`,
      distgit_dir: `/srv/ferry/sources/${project}_distro`,
      artifacts:
        status === 'SUCCESS'
          ? `${dir}/${project}-1.0.0-0.1.el9.src.rpm,${dir}/${project}-1.0.0-0.1.el9.noarch.rpm`
          : null,
      nvr: status === 'SUCCESS' ? `${project}-1.0.0-0.1.el9` : null,
      notes: status === 'SUCCESS' ? 'OK' : 'error: Bad exit status from /var/tmp/rpm-tmp (%build)',
      flags: 0,
      versions_csv: null,
      notified: 0,
    });
    if (status === 'SUCCESS') successful.push({ id, commitHash, distroHash, dtBuild, component: null });
  }
  await store.bulkInsert('commits', commits);

  const votes: Insertable<CiVotesTable>[] = [];
  let oldest = Number.POSITIVE_INFINITY;
  let newest = 0;
  if (successful.length > 0) {
    for (let i = 0; i < options.votes; i++) {
      // Votes favour recent snapshots, as CI tests what was just built: the density grows
      // linearly with the build's rank (the newest get about twice the average).
      const index = Math.floor(successful.length * Math.sqrt(rand()));
      const target = successful[Math.min(successful.length - 1, index)]!;
      const consistent = rand() < 0.05;
      const timestamp = target.dtBuild + 60 + Math.floor(rand() * 7200);
      oldest = Math.min(oldest, timestamp);
      newest = Math.max(newest, timestamp);
      votes.push({
        commit_id: target.id,
        ci_name: consistent ? CONSISTENT_CI_NAME : ciNames[Math.floor(rand() * ciNames.length)]!,
        ci_url: consistent ? '' : `https://ci.example.org/job/${i}`,
        ci_vote: consistent || rand() < 0.8 ? 1 : 0,
        ci_in_progress: 0,
        timestamp,
        notes: '',
        user: consistent ? null : 'ci',
        component: target.component,
      });
    }
    await store.bulkInsert('civotes', votes);
  }
  return {
    commits: commits.length,
    successful: successful.length,
    votes: votes.length,
    ciNames,
    projects,
    samples: successful
      .slice(-10)
      .reverse()
      .map(({ id, commitHash, distroHash }) => ({ id, commitHash, distroHash })),
    voteTimes: votes.length > 0 ? [oldest, newest] : [0, 0],
  };
}
